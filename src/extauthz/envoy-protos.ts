/** Loads Envoy's v3 protos from the npm package @grpc/grpc-js-xds (never copied into this repository). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

interface ProtoList {
  readonly package: string;
  readonly includeDirs: readonly string[];
  readonly services: { readonly authorization: string; readonly externalProcessor: string };
}

// proto/envoy/protos.json sits two levels above both src/extauthz and dist/extauthz.
const here = dirname(fileURLToPath(import.meta.url));
const listPath = join(here, '..', '..', 'proto', 'envoy', 'protos.json');
const list = JSON.parse(readFileSync(listPath, 'utf8')) as ProtoList;
const packageDir = dirname(createRequire(import.meta.url).resolve(`${list.package}/package.json`));

/** Include directories for Envoy's protos, absolute. */
export const ENVOY_INCLUDE_DIRS: readonly string[] = list.includeDirs.map((d) => join(packageDir, d));

/** Options shared by the server and test clients: Envoy's snake_case names, bytes as Buffers, enums as numbers. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  defaults: false,
  oneofs: true,
  includeDirs: [...ENVOY_INCLUDE_DIRS],
};

let cached: grpc.GrpcObject | undefined;

/** The loaded gRPC package object with `envoy.service.auth.v3.Authorization` and ext_proc. */
export function loadEnvoyProtos(): grpc.GrpcObject {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync([list.services.authorization, list.services.externalProcessor], LOADER_OPTIONS),
  );
  return cached;
}

/** The Authorization service definition (Check). */
export function authorizationService(): grpc.ServiceDefinition {
  const ctor = lookup(
    loadEnvoyProtos(),
    'envoy.service.auth.v3.Authorization',
  ) as grpc.ServiceClientConstructor;
  return ctor.service;
}

/** The Authorization client constructor, for tests and `writ demo`. */
export function authorizationClient(): grpc.ServiceClientConstructor {
  return lookup(loadEnvoyProtos(), 'envoy.service.auth.v3.Authorization') as grpc.ServiceClientConstructor;
}

function lookup(root: grpc.GrpcObject, name: string): unknown {
  let node: unknown = root;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`proto type ${name} not found`);
  return node;
}
