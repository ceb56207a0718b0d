/**
 * AWS: control-plane service models from the aws-sdk v2 package's `apis/*.min.json`. That package is 100 MB, so
 * it is no dependency: install it to regenerate (`npm install --no-save aws-sdk@2.1693.0`); without it the
 * check leaves the committed table alone and says so (scripts/generate-api-tables.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader, isInstalled, packageDir, packageVersion } from './package-source.js';
import type { ApiTable } from './table.js';

/**
 * The control-plane services the table covers (aws-sdk's model file prefixes): compute, identity, storage,
 * databases, networking, deployment and observability. A service not listed is read by its operation name's
 * verb when the request names it (Query `Action=`, JSON `X-Amz-Target`), else as the most dangerous class.
 */
export const AWS_SERVICE_PREFIXES = [
  'acm',
  'apigateway',
  'autoscaling',
  'backup',
  'cloudformation',
  'cloudfront',
  'cloudtrail',
  'codebuild',
  'config',
  'dynamodb',
  'ec2',
  'ecr',
  'ecs',
  'eks',
  'elasticache',
  'elasticfilesystem',
  'elasticloadbalancingv2',
  'events',
  'guardduty',
  'iam',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  'monitoring',
  'organizations',
  'rds',
  'route53',
  's3',
  's3control',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'states',
  'sts',
  'wafv2',
];

interface AwsModel {
  readonly metadata: {
    readonly apiVersion: string;
    readonly endpointPrefix: string;
    readonly signingName?: string;
    readonly protocol: string;
    readonly targetPrefix?: string;
    readonly serviceId: string;
  };
  readonly operations: Record<
    string,
    { readonly http?: { readonly method?: string; readonly requestUri?: string } }
  >;
}

function renderAws(): string {
  const root = packageDir('aws-sdk');
  const version = packageVersion('aws-sdk');
  const apis = join(root, 'apis');
  const files = readdirSync(apis);
  const services: string[] = [];
  for (const prefix of AWS_SERVICE_PREFIXES) {
    const file = files
      .filter(
        (f) => f.endsWith('.min.json') && new RegExp(`^${prefix}-\\d{4}-\\d{2}-\\d{2}\\.min\\.json$`).test(f),
      )
      .sort()
      .pop();
    if (file === undefined) throw new Error(`no model for ${prefix}`);
    const model = JSON.parse(readFileSync(join(apis, file), 'utf8')) as AwsModel;
    const md = model.metadata;
    const rest = md.protocol === 'rest-json' || md.protocol === 'rest-xml';
    const ops = Object.entries(model.operations)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, op]) =>
        rest
          ? `[${JSON.stringify(name)}, ${JSON.stringify(op.http?.method ?? 'POST')}, ${JSON.stringify(op.http?.requestUri ?? '/')}]`
          : `[${JSON.stringify(name)}]`,
      );

    services.push(
      `  {\n    serviceId: ${JSON.stringify(md.serviceId)},\n    endpointPrefix: ${JSON.stringify(md.endpointPrefix)},\n` +
        `    signingName: ${JSON.stringify(md.signingName ?? md.endpointPrefix)},\n    protocol: ${JSON.stringify(md.protocol)},\n` +
        `    apiVersion: ${JSON.stringify(md.apiVersion)},\n    targetPrefix: ${JSON.stringify(md.targetPrefix ?? null)},\n` +
        `    operations: [\n      ${ops.join(',\n      ')},\n    ],\n  },`,
    );
  }
  const text =
    generatedHeader(
      `aws-sdk ${version} (apis/*.min.json)`,
      'Control-plane service models: protocol, endpoint prefix, X-Amz-Target prefix, operations with HTTP bindings for REST protocols.',
    ) +
    `\n/** The source package and version the table was generated from. */\n` +
    `export const AWS_SDK_VERSION = ${JSON.stringify(version)};\n\n` +
    `/** One service model: operations are [name] for Query/JSON protocols, [name, method, requestUri] for REST. */\n` +
    `export interface AwsServiceModel {\n  readonly serviceId: string;\n  readonly endpointPrefix: string;\n  readonly signingName: string;\n` +
    `  readonly protocol: string;\n  readonly apiVersion: string;\n  readonly targetPrefix: string | null;\n` +
    `  readonly operations: ReadonlyArray<readonly [name: string, method?: string, requestUri?: string]>;\n}\n\n` +
    `/** The covered services, in model-file order. */\n` +
    `export const AWS_SERVICES: readonly AwsServiceModel[] = [\n${services.join('\n')}\n];\n`;
  return text;
}

/** The AWS service table; its source is installed only to regenerate it. */
export const awsTable: ApiTable = {
  file: 'aws-services.ts',
  render: renderAws,
  sourceAvailable: () => isInstalled('aws-sdk'),
};
