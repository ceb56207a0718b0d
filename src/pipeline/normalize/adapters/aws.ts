/**
 * AWS control-plane family: the service from the host (`ec2.us-east-1.amazonaws.com`), the operation from the
 * protocol its model declares (Query `Action=`, JSON `X-Amz-Target`, REST method and path), all from the
 * generated service models (aws-sdk's). The class comes from the operation name's verb (api/operation-verbs.ts);
 * an operation the service's model does not define is a delete. S3 has its own family (s3.ts); the `aws`
 * CLI in shell tools is read in aws-commands.ts.
 */
import { isJsonObject, type JsonValue } from '../../model/json.js';
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import { riskiestReading, type ApiReading } from '../api/api-reading.js';
import { readAwsCommands } from './aws-commands.js';
import { awsEndpointPrefix, readAwsOperation, SERVICES } from './aws-operations.js';

/** Names commonly given to the identifier of what an operation acts on, in AWS's parameter names. */
const ID_PARAMS = [
  'InstanceId',
  'InstanceId.1',
  'InstanceIds.1',
  'FunctionName',
  'DBInstanceIdentifier',
  'DBClusterIdentifier',
  'TableName',
  'StackName',
  'RoleName',
  'UserName',
  'GroupName',
  'PolicyArn',
  'KeyId',
  'SecretId',
  'QueueUrl',
  'TopicArn',
  'ClusterName',
  'cluster',
  'name',
  'Name',
  'VolumeId',
  'SnapshotId',
  'VpcId',
  'GroupId',
  'LoadBalancerArn',
  'HostedZoneId',
  'Id',
];

function firstString(v: JsonValue | undefined): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

function resourceId(request: ApiRequest, params: Readonly<Record<string, string>>): string | null {
  const body = isJsonObject(request.body) ? request.body : null;
  for (const key of ID_PARAMS) {
    const fromPath = params[key];
    if (fromPath !== undefined) return fromPath;
    const fromQuery = request.query[key]?.[0];
    if (fromQuery !== undefined) return fromQuery;
    const fromBody = body === null ? null : firstString(body[key]);
    if (fromBody !== null) return fromBody;
  }
  return null;
}

/** Every operation name a Query/JSON request carries: `Action` in the query and the form body, `X-Amz-Target`. */
function namedOperations(request: ApiRequest): string[] {
  const names: string[] = [...(request.query['Action'] ?? [])];
  const body = request.body;
  if (isJsonObject(body) && !request.bodyIsJson) {
    const action = body['Action'];
    if (typeof action === 'string') names.push(action);
    else if (Array.isArray(action)) for (const a of action) if (typeof a === 'string') names.push(a);
  }
  const target = request.raw?.headers['x-amz-target'];
  if (target !== undefined) names.push(target.slice(target.lastIndexOf('.') + 1));
  return names;
}

function readRequest(request: ApiRequest): ApiReading {
  const prefix = awsEndpointPrefix(request.host);
  const service = SERVICES.get(prefix);
  // Query and JSON protocols name the operation; a REST service may too (some accept both): every name counts.
  const readings = namedOperations(request).map((name) =>
    readAwsOperation(prefix, name, resourceId(request, {})),
  );
  if (service?.rest != null) {
    const m = service.rest.match(request.method, request.pathname, request.query);
    if (m !== null)
      for (const name of m.names)
        readings.push(readAwsOperation(prefix, name, resourceId(request, m.params)));
  }
  const best = riskiestReading(readings);
  if (best !== null) return best;
  // SECURITY: a call that names no operation the model defines is the most dangerous class, never a read.
  return {
    operation: 'delete',
    apiOperation: null,
    resource: { kind: `${prefix}/unknown`, id: null, owner: null },
  };
}

/** The AWS family: every `amazonaws.com` service but S3 (its family is asked first) and EKS clusters. */
export const awsFamily: ApiFamily = {
  id: 'aws',
  hosts: ['*.amazonaws.com', '*.amazonaws.com.cn', '*.api.aws'],
  mostDangerous: 'delete',
  readRequest,
  readToolCall: readAwsCommands,
};
