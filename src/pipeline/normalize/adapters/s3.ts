/**
 * S3 storage family: path-style (`s3.<region>.amazonaws.com/<bucket>/<key>`) and virtual-hosted
 * (`<bucket>.s3.<region>.amazonaws.com/<key>`) requests matched against S3's own REST model (generated from
 * aws-sdk's; `PUT /{Bucket}?policy` is PutBucketPolicy, `POST /{Bucket}?delete` is DeleteObjects). Object
 * writes, deletes, and ACL/policy changes (an `x-amz-acl` or `x-amz-grant-*` header on any write is an ACL
 * change) are told apart; S3-compatible stores (Cloudflare R2) are read the same way.
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { unknownOperation, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { compileRestOperations } from '../api/rest-operations.js';
import { riskierReading } from '../../model/operation-danger.js';
import { awsOperationClass, readAwsOperation } from './aws-operations.js';
import { AWS_SERVICES } from './generated/aws-services.js';

const S3_MODEL = AWS_SERVICES.find((s) => s.endpointPrefix === 's3');
if (S3_MODEL === undefined) throw new TypeError('the generated AWS table has no S3 model');
const S3 = compileRestOperations(S3_MODEL.operations);

/**
 * `[<bucket>.]s3[.-<region>|.dualstack|-fips...].amazonaws.com[.cn]`: the bucket of a virtual-hosted name,
 * '' for a path-style one, null when the host is no S3 endpoint (`s3-control`, `s3-website` are not).
 */
const AWS_S3_HOST =
  /^(?:(.+)\.)?s3(?:-accesspoint)?(?:[.-](?:dualstack|fips|external-1|[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d))*\.amazonaws\.com(?:\.cn)?$/;
/** `<account>.r2.cloudflarestorage.com` (path-style) and `<bucket>.<account>.r2.cloudflarestorage.com`. */
const R2_HOST = /^(?:(.+)\.)?[0-9a-f]{32}\.r2\.cloudflarestorage\.com$/;

/** The bucket a host names (virtual-hosted), '' for a path-style endpoint, or null for no S3 endpoint. */
export function s3HostBucket(host: string): string | null {
  const m = AWS_S3_HOST.exec(host) ?? R2_HOST.exec(host);
  if (m === null) return null;
  return m[1] ?? '';
}

/** Multipart operations: they name an upload (`?uploadId=`); without one the call is the plain object operation. */
const MULTIPART: ReadonlySet<string> = new Set([
  'AbortMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'ListParts',
]);

function s3Applies(name: string, request: ApiRequest): boolean {
  const upload = request.query['uploadId'] !== undefined;
  const copies = request.raw?.headers['x-amz-copy-source'] !== undefined;
  if (MULTIPART.has(name))
    return upload && (name === 'UploadPartCopy' ? copies : name !== 'UploadPart' || !copies);
  if (
    upload &&
    (name === 'DeleteObject' || name === 'PutObject' || name === 'CopyObject' || name === 'GetObject')
  )
    return false;
  if (name === 'CopyObject') return copies;
  if (name === 'PutObject') return !copies;
  return true;
}

/** Headers that set an ACL on the object or bucket a write creates. */
function setsAcl(request: ApiRequest): boolean {
  const headers = request.raw?.headers ?? {};
  return Object.keys(headers).some((h) => h === 'x-amz-acl' || h.startsWith('x-amz-grant-'));
}

function readRequest(request: ApiRequest): ApiReading {
  const hostBucket = s3HostBucket(request.host) ?? '';
  // A virtual-hosted request is the path-style one with the bucket first (how S3's model writes its URIs).
  const pathname =
    hostBucket === '' ? request.pathname : `/${encodeURIComponent(hostBucket)}${request.pathname}`;
  const m = S3.match(request.method, pathname, request.query);
  if (m === null) return unknownOperation(request.method, s3Family.mostDangerous);
  const bucket = m.params['Bucket'] ?? (hostBucket === '' ? null : hostBucket);
  // Operations that share a method and URI are told apart by a required query member or header the URI does
  // not show: the multipart ones by `uploadId`, copies by `x-amz-copy-source` (S3's model, input shapes).
  const names = m.names.filter((n) => s3Applies(n, request));
  let best: ApiReading | null = null;
  for (const name of names.length === 0 ? m.names : names) {
    const reading = readAwsOperation('s3', name, bucket);
    if (best === null || riskierReading(best.operation, reading.operation) !== best.operation) best = reading;
  }
  const chosen = best!;
  const key = m.params['Key'] ?? null;
  const resource = {
    ...chosen.resource,
    id: key === null ? bucket : `${bucket ?? ''}/${key}`,
    owner: bucket,
    environment: environmentOfName(bucket),
  };
  // SECURITY: a canned ACL or grant header on a write changes who may read what it writes.
  if (setsAcl(request) && chosen.operation !== 'read') {
    const operation: OperationClass = riskierReading(chosen.operation, 'admin');
    return {
      ...chosen,
      operation,
      resource: { ...resource, kind: key === null ? 's3/bucket-acl' : 's3/object-acl' },
    };
  }
  return { ...chosen, resource };
}

/** The S3 family: asked before the AWS family, which would otherwise claim every `amazonaws.com` host. */
export const s3Family: ApiFamily = {
  id: 's3',
  hosts: ['*.amazonaws.com', '*.amazonaws.com.cn', '*.r2.cloudflarestorage.com'],
  mostDangerous: 'delete',
  claims: (request) => s3HostBucket(request.host) !== null,
  readRequest,
};

/** The class S3's model gives an operation (for the spec-coverage test). */
export const s3OperationClass = (name: string): OperationClass => awsOperationClass('s3', name);
