/**
 * Google Cloud control-plane family: REST calls to `<service>.googleapis.com` read by Google's resource-oriented
 * design (AIP-121/136): `GET` a collection lists, `GET` a resource gets, `POST` a collection creates, `PATCH`
 * updates, `DELETE` deletes, and a custom method (`:setIamPolicy`, Compute's `/instances/x/stop`) is read by its
 * verb (api/operation-verbs.ts). The discovery documents are not shipped in a package of sensible size
 * (`@googleapis/compute` alone is 72 MB), so the verbs are hand-written and the tests say so. `gcloud` in shell
 * tools is read here too.
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily, ApiRequest, ToolCall } from '../api/api-family.js';
import { riskiestReading, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { classifyOperationName, classifyOperationWords, operationWords } from '../api/operation-verbs.js';
import { pathSegments } from '../api/route-table.js';
import { invocationsOf } from '../api/shell-invocations.js';
import { riskierReading } from '../../model/operation-danger.js';

const VERSION = /^v\d+(?:(?:alpha|beta|p\d+beta)\d*)?$/;

/** Services whose every change is a change of access. */
const ACCESS_SERVICES: ReadonlySet<string> = new Set([
  'iam',
  'iamcredentials',
  'cloudidentity',
  'accesscontextmanager',
]);

function raiseForService(service: string, cls: OperationClass): OperationClass {
  return ACCESS_SERVICES.has(service) && cls !== 'read' && cls !== 'delete' ? 'admin' : cls;
}

interface GoogleResourcePath {
  readonly collection: string | null;
  readonly id: string | null;
  readonly project: string | null;
  /** A custom method: `:verb` on the last segment, or Compute's trailing action segment. */
  readonly custom: string | null;
}

/** Collection/id pairs after the version; a trailing `:verb` or an odd camelCase segment is a custom method. */
function resourcePath(method: string, segments: readonly string[]): GoogleResourcePath | null {
  const parts = [...segments];
  let custom: string | null = null;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.includes(':')) {
    const colon = last.lastIndexOf(':');
    custom = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (parts[parts.length - 1] === '') parts.pop();
  }
  let project: string | null = null;
  let collection: string | null = null;
  let id: string | null = null;
  for (let i = 0; i < parts.length; i += 2) {
    const name = parts[i]!;
    const value = parts[i + 1];
    if (value === undefined) {
      // Compute's `POST .../instances/x/stop`: a trailing verb after a resource is a custom method; so is a
      // trailing word that is no plural collection name (`/frobnicate`). SECURITY: read as an unknown action.
      const action = classifyOperationName(name) !== null || !name.endsWith('s');
      if (custom === null && method === 'POST' && id !== null && action) custom = name;
      else {
        collection = name;
        id = null;
      }
      break;
    }
    if (name === 'projects') project = value;
    collection = name;
    id = value;
  }
  return { collection, id, project, custom };
}

function standardMethod(method: string, hasId: boolean): [string, OperationClass] | null {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasId ? ['get', 'read'] : ['list', 'read'];
    case 'POST':
      return ['create', 'write'];
    case 'PUT':
      return ['update', 'write'];
    case 'PATCH':
      return ['patch', 'write'];
    case 'DELETE':
      return ['delete', 'delete'];
    default:
      return null;
  }
}

function readRequest(request: ApiRequest): ApiReading {
  const segments = pathSegments(request.pathname);
  const host = request.host;
  let service = host.slice(0, host.indexOf('.'));
  let rest = segments ?? [];
  // `www.googleapis.com/compute/v1/...` and `compute.googleapis.com/compute/v1/...` name the service in the path.
  if (rest.length > 1 && VERSION.test(rest[1]!) && !VERSION.test(rest[0]!)) {
    if (service === 'www') service = rest[0]!;
    rest = rest.slice(1);
  }
  // Services with a path prefix before the version (`/storage/v1`, `/upload/storage/v1`) are read past it.
  while (rest.length > 0 && !VERSION.test(rest[0]!)) rest = rest.slice(1);
  const unknown: ApiReading = {
    operation: request.method === 'GET' || request.method === 'HEAD' ? 'unknown' : 'delete',
    apiOperation: null,
  };
  if (segments === null || rest.length === 0) return unknown;
  const path = resourcePath(request.method, rest.slice(1));
  if (path === null) return unknown;
  const facts = {
    kind: path.collection,
    id: path.id,
    owner: path.project,
    environment: environmentOfName(path.project) ?? environmentOfName(path.id),
  };
  let verb: string;
  let cls: OperationClass;
  if (path.custom !== null) {
    // SECURITY: a custom method writ cannot read by its verb is the most dangerous class.
    verb = path.custom;
    cls = classifyOperationName(path.custom) ?? 'delete';
  } else {
    const std = standardMethod(request.method, path.id !== null);
    if (std === null) return { ...unknown, resource: facts };
    [verb, cls] = std;
  }
  return {
    operation: raiseForService(service, cls),
    apiOperation: `${service}.${path.collection ?? ''}.${verb}`,
    resource: facts,
  };
}

// --- gcloud -------------------------------------------------------------------------------------------

const GCLOUD_VALUE_FLAGS: ReadonlySet<string> = new Set([
  '--project',
  '--zone',
  '--region',
  '--location',
  '--format',
  '--filter',
  '--account',
  '--configuration',
  '--impersonate-service-account',
  '--member',
  '--role',
  '--verbosity',
  '--limit',
  '--machine-type',
  '--image',
  '--image-project',
  '--command',
  '--flags-file',
  '--billing-project',
  '--cluster',
  '--instance',
  '--database',
  '--source',
  '--platform',
  '--service-account',
  '--keyring',
  '--key',
]);

/** Groups whose name is a verb (`gcloud run deploy`): at the head of a command they are not the command. */
const VERB_GROUPS: ReadonlySet<string> = new Set(['run', 'deploy', 'builds', 'workflows', 'tasks']);

/** The reading of one `gcloud` run: the first word that is a verb is the command; the rest is its target. */
export function readGcloud(args: readonly string[]): ApiReading {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w === '--') break;
    if (w.startsWith('-')) {
      const eq = w.indexOf('=');
      if (eq !== -1) flags.set(w.slice(0, eq), w.slice(eq + 1));
      else if (GCLOUD_VALUE_FLAGS.has(w) && i + 1 < args.length) flags.set(w, args[++i]!);
      else flags.set(w, '');
      continue;
    }
    positional.push(w);
  }
  const project = flags.get('--project') ?? null;
  let at = -1;
  let cls: OperationClass | null = null;
  for (let i = 0; i < positional.length && cls === null; i++) {
    if (i === 0 && VERB_GROUPS.has(positional[i]!)) continue;
    cls = classifyOperationWords([
      ...operationWords(positional[i]!),
      ...positional.slice(0, i).flatMap(operationWords),
    ]);
    if (cls !== null) at = i;
  }
  const groups = at === -1 ? positional : positional.slice(0, at);
  const command = at === -1 ? null : positional[at]!;
  const target = at === -1 ? null : (positional[at + 1] ?? null);
  const service = groups[0] ?? '';
  // SECURITY: a command writ cannot read by its verb (`auth print-access-token`, a new one) is a delete.
  let operation: OperationClass = cls ?? 'delete';
  operation = raiseForService(service, operation);
  if (service === 'projects' && command === 'delete') operation = 'delete';
  if (flags.has('--impersonate-service-account')) operation = riskierReading(operation, 'admin');
  if (positional.length === 0) operation = 'read';
  const owner = project ?? (service === 'projects' ? target : null);
  return {
    operation,
    apiOperation: `gcloud ${positional.slice(0, at === -1 ? positional.length : at + 1).join(' ')}`.trim(),
    resource: {
      kind: groups[groups.length - 1] ?? null,
      id: target,
      owner,
      environment: environmentOfName(owner) ?? environmentOfName(target),
    },
  };
}

const PROGRAMS: ReadonlySet<string> = new Set(['gcloud']);

function readGcloudCommands(call: ToolCall): ApiReading | null {
  return riskiestReading(invocationsOf(call, PROGRAMS).map((run) => readGcloud(run.args)));
}

/** Google APIs served for mail and chat are other families' (asked first); this one reads the rest. */
const NOT_CONTROL_PLANE: ReadonlySet<string> = new Set([
  'gmail.googleapis.com',
  'oauth2.googleapis.com',
  'chat.googleapis.com',
]);

/** The Google Cloud family. */
export const googleCloudFamily: ApiFamily = {
  id: 'google-cloud',
  hosts: ['*.googleapis.com'],
  mostDangerous: 'delete',
  claims: (request) => !NOT_CONTROL_PLANE.has(request.host) && !request.pathname.startsWith('/gmail/'),
  readRequest,
  readToolCall: readGcloudCommands,
};
