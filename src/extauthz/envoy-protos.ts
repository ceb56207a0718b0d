/**
 * Loads Envoy's v3 protos from the npm package @grpc/grpc-js-xds (never copied into this repository):
 * with proto-loader for the gRPC definitions, and once more with protobufjs for the CheckRequest and
 * CheckResponse types the check role decodes and encodes directly (check-request-decoder.ts,
 * check-response-encoder.ts).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as Protobuf from 'protobufjs';
import { checkRequestDecoder } from './check-request-decoder.js';
import { checkResponseEncoder } from './check-response-encoder.js';

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

// The protobufjs that proto-loader itself runs on (same version, same registered common protos).
const protobuf = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'))(
  'protobufjs',
) as typeof Protobuf;

let root: Protobuf.Root | undefined;

/** The Authorization protos as protobufjs types, parsed as proto-loader parses them. */
export function authorizationRoot(): Protobuf.Root {
  if (root !== undefined) return root;
  const loaded = new protobuf.Root();
  const fallback = loaded.resolvePath.bind(loaded);
  // proto-loader's include-path resolution (its loadProtosWithOptionsSync), which it does not export.
  loaded.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    for (const dir of ENVOY_INCLUDE_DIRS) {
      const path = join(dir, target);
      try {
        accessSync(path, constants.R_OK);
        return path;
      } catch {
        continue;
      }
    }
    return fallback(origin, target);
  };
  loaded.loadSync(list.services.authorization, LOADER_OPTIONS);
  loaded.resolveAll();
  root = loaded;
  return loaded;
}

let service: grpc.ServiceDefinition | undefined;

/** The Authorization service definition (Check), its request and response without proto-loader's copies. */
export function authorizationService(): grpc.ServiceDefinition {
  if (service !== undefined) return service;
  const loaded = authorizationClient().service;
  const check = loaded['Check'];
  if (check === undefined) throw new Error('Authorization service has no Check method');
  const requestType = authorizationRoot().lookupType('envoy.service.auth.v3.CheckRequest');
  const responseType = authorizationRoot().lookupType('envoy.service.auth.v3.CheckResponse');
  service = {
    ...loaded,
    Check: {
      ...check,
      requestDeserialize: checkRequestDecoder(requestType, LOADER_OPTIONS),
      responseSerialize: checkResponseEncoder(responseType, check.responseSerialize),
    },
  };
  return service;
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
