/**
 * The `aws` CLI in a tool call's command lines: `aws [options] <service> <operation> [--param value]...`, the
 * operation matched to the service model's own name (`describe-db-instances` -> DescribeDBInstances) and read
 * as the HTTP call it sends; `aws s3 rm|rb|mv|sync --delete` as the deletes they are.
 */
import type { OperationClass } from '../../model/action.js';
import type { ToolCall } from '../api/api-family.js';
import { riskiestReading, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { classifyOperationName } from '../api/operation-verbs.js';
import { invocationsOf } from '../api/shell-invocations.js';
import { awsOperationClass } from './aws-operations.js';
import { AWS_SERVICES } from './generated/aws-services.js';

/** CLI service names that differ from the endpoint prefix. */
const CLI_SERVICE_PREFIX: Readonly<Record<string, string>> = {
  s3api: 's3',
  s3control: 's3-control',
  elbv2: 'elasticloadbalancing',
  cloudwatch: 'monitoring',
  efs: 'elasticfilesystem',
  stepfunctions: 'states',
  configservice: 'config',
  ecr: 'api.ecr',
};

/** endpoint prefix -> (lower-case name without dashes -> the model's name). */
const OPERATIONS_BY_CLI_NAME: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  AWS_SERVICES.map((s) => [
    s.endpointPrefix,
    new Map(s.operations.map(([name]) => [name.toLowerCase(), name] as const)),
  ]),
);

/** Global options that take a value. */
const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  '--profile',
  '--region',
  '--endpoint-url',
  '--output',
  '--query',
  '--color',
  '--ca-bundle',
  '--cli-read-timeout',
  '--cli-connect-timeout',
  '--cli-binary-format',
]);

/** Parameters that name what an operation acts on, as CLI flags. */
const ID_FLAGS = [
  '--instance-ids',
  '--instance-id',
  '--function-name',
  '--db-instance-identifier',
  '--db-cluster-identifier',
  '--table-name',
  '--stack-name',
  '--role-name',
  '--user-name',
  '--group-name',
  '--bucket',
  '--key-id',
  '--secret-id',
  '--queue-url',
  '--topic-arn',
  '--cluster',
  '--name',
  '--volume-id',
  '--group-id',
];

interface AwsCommandLine {
  readonly options: ReadonlyMap<string, string>;
  readonly positional: readonly string[];
}

/** `--flag value` pairs (a flag followed by another flag, or last, is a switch) and positional words. */
function splitAwsArgs(args: readonly string[]): AwsCommandLine {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq !== -1) options.set(word.slice(0, eq), word.slice(eq + 1));
      else {
        const next = args[i + 1];
        const takesValue = next !== undefined && !next.startsWith('--');
        // A value-taking global option before the service must not swallow the service name as a switch.
        if (takesValue && (GLOBAL_VALUE_OPTIONS.has(word) || positional.length >= 2)) {
          options.set(word, next);
          i++;
        } else options.set(word, '');
      }
      continue;
    }
    positional.push(word);
  }
  return { options, positional };
}

function idOf(line: AwsCommandLine): string | null {
  for (const f of ID_FLAGS) {
    const v = line.options.get(f);
    if (v !== undefined && v !== '') return v;
  }
  return null;
}

/** `s3://bucket/key` -> bucket. */
function bucketOf(uri: string | undefined): string | null {
  if (uri === undefined || !uri.startsWith('s3://')) return null;
  const rest = uri.slice(5);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

const S3_HIGH_LEVEL: Readonly<Record<string, readonly [OperationClass, string]>> = {
  ls: ['read', 'ListObjectsV2'],
  presign: ['read', 'GetObject'],
  cp: ['write', 'PutObject'],
  mb: ['write', 'CreateBucket'],
  website: ['write', 'PutBucketWebsite'],
  // mv deletes its source; rm and rb delete.
  mv: ['delete', 'DeleteObject'],
  rm: ['delete', 'DeleteObject'],
  rb: ['delete', 'DeleteBucket'],
  sync: ['write', 'PutObject'],
};

function readS3HighLevel(line: AwsCommandLine, environment: string | null): ApiReading {
  const [, command = '', ...targets] = line.positional;
  const known = S3_HIGH_LEVEL[command];
  const bucket = bucketOf(targets.find((t) => t.startsWith('s3://')));
  const env = environment ?? environmentOfName(bucket);
  if (known === undefined)
    return {
      operation: 'delete',
      apiOperation: `aws s3 ${command}`,
      resource: { kind: 's3/bucket', id: bucket, environment: env },
    };
  let [operation, name] = known;
  // `sync --delete` removes what the source lacks.
  if (command === 'sync' && line.options.has('--delete')) [operation, name] = ['delete', 'DeleteObjects'];
  return {
    operation,
    apiOperation: `s3:${name}`,
    resource: {
      kind: command === 'rb' || command === 'mb' ? 's3/bucket' : 's3/object',
      id: bucket,
      owner: null,
      environment: env,
    },
  };
}

/** The reading of one `aws` run. */
export function readAwsCli(args: readonly string[]): ApiReading {
  const line = splitAwsArgs(args);
  const [service = '', operation = ''] = line.positional;
  const environment = environmentOfName(line.options.get('--profile') ?? null);
  if (service === '' || service === 'help' || (service === 'configure' && operation === 'list'))
    return { operation: 'read', apiOperation: 'aws' };
  if (service === 's3') return readS3HighLevel(line, environment);
  const prefix = CLI_SERVICE_PREFIX[service] ?? service;
  const id = idOf(line);
  const env = environment ?? environmentOfName(id);
  const names = OPERATIONS_BY_CLI_NAME.get(prefix);
  const modelName = names?.get(operation.replaceAll('-', '').toLowerCase());
  // A service writ has no model of is read by its verb; an operation its model lacks is a delete.
  const cls: OperationClass =
    names === undefined
      ? (classifyOperationName(operation) ?? 'delete')
      : modelName === undefined
        ? 'delete'
        : awsOperationClass(prefix, modelName);
  const raised = (prefix === 'iam' || prefix === 'sts') && cls !== 'read' && cls !== 'delete' ? 'admin' : cls;
  return {
    operation: raised,
    apiOperation: `${prefix}:${modelName ?? operation}`,
    resource: {
      kind: `${prefix}/${operation.split('-').slice(1).join('-')}`,
      id,
      owner: null,
      environment: env,
    },
  };
}

const PROGRAMS: ReadonlySet<string> = new Set(['aws']);

/** The riskiest `aws` run in a tool call's command lines, or null. */
export function readAwsCommands(call: ToolCall): ApiReading | null {
  return riskiestReading(invocationsOf(call, PROGRAMS).map((run) => readAwsCli(run.args)));
}
