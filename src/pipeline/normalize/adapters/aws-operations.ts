/**
 * AWS operations as the service models (generated from aws-sdk's) define them: the services by endpoint
 * prefix, the class of a named operation, and its reading. Shared by the HTTP reading (aws.ts, s3.ts) and the
 * `aws` CLI reading (aws-commands.ts).
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { classifyOperationName, operationWords } from '../api/operation-verbs.js';
import { compileRestOperations, type RestOperations } from '../api/rest-operations.js';
import { AWS_SERVICES, type AwsServiceModel } from './generated/aws-services.js';

/** One service as the family reads it: the model, its operation names and (REST) its routes. */
export interface AwsService {
  readonly model: AwsServiceModel;
  /** Operation name -> the HTTP method its model binds it to (REST protocols), or '' (Query/JSON). */
  readonly operations: ReadonlyMap<string, string>;
  readonly rest: RestOperations | null;
}

export const SERVICES: ReadonlyMap<string, AwsService> = new Map(
  AWS_SERVICES.map((model) => {
    const isRest = model.protocol === 'rest-json' || model.protocol === 'rest-xml';
    return [
      model.endpointPrefix,
      {
        model,
        operations: new Map(model.operations.map(([name, method = '']) => [name, method] as const)),
        rest: isRest ? compileRestOperations(model.operations) : null,
      },
    ] as const;
  }),
);

/** Endpoint prefixes, longest first (`api.ecr` before `ecr`). */
const PREFIXES = [...SERVICES.keys()].sort((a, b) => b.length - a.length);

/** The service a host names: `<prefix>[-fips].<region>.amazonaws.com`, `<prefix>.amazonaws.com`, `.api.aws`. */
export function awsEndpointPrefix(host: string): string {
  // An account-scoped endpoint (`123456789012.s3-control...`) names the service after the account.
  const h = host.replace(/^\d{12}\./, '');
  for (const p of PREFIXES) if (h.startsWith(`${p}.`) || h.startsWith(`${p}-fips.`)) return p;
  return h.slice(0, h.indexOf('.')).replace(/-fips$/, '');
}

/** The class of a named operation of a service (the model's own name) or null when the model lacks it. */
export function awsOperationClass(prefix: string, name: string): OperationClass {
  const service = SERVICES.get(prefix);
  // SECURITY: an operation the model does not define (a new one, a typo the server may still route) is the
  // most dangerous class; a service writ has no model of is read by its verb, a verb writ does not know is too.
  if (service !== undefined && !service.operations.has(name)) return 'delete';
  // The model's own binding: an operation sent as DELETE deletes (`UntagResource`, `AbortMultipartUpload`).
  if (service?.operations.get(name) === 'DELETE') return 'delete';
  const cls = classifyOperationName(name) ?? 'delete';
  // Every change to IAM or STS is a change of who may do what.
  if ((prefix === 'iam' || prefix === 'sts') && cls !== 'read' && cls !== 'delete') return 'admin';
  return cls;
}

/** The resource kind of an operation: its service and the nouns after the verb (`ec2/instances`). */
function kindOf(prefix: string, name: string): string {
  const words = operationWords(name);
  const nouns = words.slice(words[0] === 'batch' ? 2 : 1);
  return nouns.length === 0 ? prefix : `${prefix}/${nouns.join('-')}`;
}

/** The reading of one operation name of a service. */
export function readAwsOperation(
  prefix: string,
  name: string,
  id: string | null,
  operation?: OperationClass,
): ApiReading {
  return {
    operation: operation ?? awsOperationClass(prefix, name),
    apiOperation: `${prefix}:${name}`,
    resource: { kind: kindOf(prefix, name), id, owner: null, environment: environmentOfName(id) },
  };
}
