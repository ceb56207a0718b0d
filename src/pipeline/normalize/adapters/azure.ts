/**
 * Azure Resource Manager family: `management.azure.com/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/
 * {type}/{name}[/{action}]?api-version=...` read as ARM's own operation names, the ones Azure RBAC authorizes
 * (`Microsoft.Compute/virtualMachines/delete`, `.../powerOff/action`). ARM's REST specifications are not on
 * npm, so the method rules (GET reads, PUT/PATCH write, DELETE deletes, POST runs an action read by its verb)
 * are hand-written and the tests say so. `az` in shell tools is read here too.
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiFamily, ApiRequest, ToolCall } from '../api/api-family.js';
import { riskiestReading, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { classifyOperationWords, operationWords } from '../api/operation-verbs.js';
import { pathSegments } from '../api/route-table.js';
import { invocationsOf } from '../api/shell-invocations.js';

/** ARM resource types whose writes change who may do what. */
const ACCESS_TYPES = /^microsoft\.(?:authorization|managedidentity|keyvault\/vaults\/accesspolicies)/i;

/** POST actions that return credentials (`listKeys`, `listCredentials`): a read of a secret is administration. */
const CREDENTIAL_ACTION =
  /^(?:list|get|regenerate)\w*(?:keys?|secrets?|credentials?|connectionstrings?|sas|token)$/i;

interface ArmPath {
  readonly subscription: string | null;
  readonly resourceGroup: string | null;
  /** `Microsoft.Compute/virtualMachines` (child types appended), or `resourceGroups` / `subscriptions`. */
  readonly type: string;
  readonly name: string | null;
  readonly action: string | null;
}

function armPath(method: string, segments: readonly string[]): ArmPath | null {
  let subscription: string | null = null;
  let resourceGroup: string | null = null;
  let i = 0;
  const lower = (k: number): string => (segments[k] ?? '').toLowerCase();
  if (lower(0) === 'subscriptions') {
    subscription = segments[1] ?? null;
    i = 2;
    if (lower(2) === 'resourcegroups') {
      resourceGroup = segments[3] ?? null;
      i = 4;
    }
  }
  if (i >= segments.length) {
    const type = resourceGroup !== null || lower(2) === 'resourcegroups' ? 'resourceGroups' : 'subscriptions';
    const name = type === 'resourceGroups' ? resourceGroup : subscription;
    return { subscription, resourceGroup, type, name, action: null };
  }
  if (lower(i) !== 'providers' || segments[i + 1] === undefined) {
    // `/subscriptions/{s}/resourcegroups` (list), `/subscriptions/{s}/locations`: a collection of the subscription.
    if (segments.length - i === 1)
      return { subscription, resourceGroup, type: segments[i]!, name: null, action: null };
    return null;
  }
  const namespace = segments[i + 1]!;
  const rest = segments.slice(i + 2);
  const types: string[] = [];
  let name: string | null = null;
  let action: string | null = null;
  for (let k = 0; k < rest.length; k += 2) {
    const t = rest[k]!;
    const n = rest[k + 1];
    if (n === undefined) {
      // A trailing word after a named resource on POST is an action; otherwise a child collection.
      if (method === 'POST' && name !== null) action = t;
      else {
        types.push(t);
        name = null;
      }
      break;
    }
    types.push(t);
    name = n;
  }
  if (types.length === 0 && action === null)
    return { subscription, resourceGroup, type: namespace, name: null, action: null };
  return { subscription, resourceGroup, type: `${namespace}/${types.join('/')}`, name, action };
}

function classOf(method: string, path: ArmPath): [string, OperationClass] | null {
  const access = ACCESS_TYPES.test(path.type);
  if (path.action !== null) {
    if (CREDENTIAL_ACTION.test(path.action)) return [`${path.action}/action`, 'admin'];
    // SECURITY: an action writ cannot read by its verb is the most dangerous class.
    const cls = classifyOperationWords(operationWords(path.action)) ?? 'delete';
    return [`${path.action}/action`, access && cls !== 'read' && cls !== 'delete' ? 'admin' : cls];
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return ['read', 'read'];
    case 'PUT':
    case 'PATCH':
      return ['write', access ? 'admin' : 'write'];
    case 'DELETE':
      return ['delete', 'delete'];
    case 'POST':
      // A POST to a collection or resource without an action: ARM defines none, so it is unknown.
      return null;
    default:
      return null;
  }
}

function readRequest(request: ApiRequest): ApiReading {
  const segments = pathSegments(request.pathname);
  const path = segments === null ? null : armPath(request.method, segments);
  const unknown: ApiReading = {
    operation: request.method === 'GET' || request.method === 'HEAD' ? 'unknown' : 'delete',
    apiOperation: null,
  };
  if (path === null) return unknown;
  const facts = {
    kind: path.type,
    id: path.name,
    owner: path.resourceGroup ?? path.subscription,
    environment: environmentOfName(path.resourceGroup) ?? environmentOfName(path.name),
  };
  const op = classOf(request.method, path);
  if (op === null) return { ...unknown, resource: facts };
  return { operation: op[1], apiOperation: `${path.type}/${op[0]}`, resource: facts };
}

// --- az -----------------------------------------------------------------------------------------------

/** Command groups that administer access: any change under them is administration. */
const ACCESS_GROUPS: ReadonlySet<string> = new Set(['role', 'ad', 'identity', 'lock', 'policy']);

/** The reading of one `az` run: the groups, then the command, then `--flags` (az takes no positionals). */
export function readAz(args: readonly string[]): ApiReading {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.startsWith('-')) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        flags.set(w, next);
        i++;
      } else flags.set(w, '');
      continue;
    }
    if (flags.size === 0) words.push(w);
  }
  const command = words[words.length - 1] ?? '';
  const groups = words.slice(0, -1);
  const group = flags.get('-g') ?? flags.get('--resource-group') ?? null;
  const name = flags.get('-n') ?? flags.get('--name') ?? null;
  const subscription = flags.get('--subscription') ?? null;
  let cls: OperationClass =
    words.length === 0
      ? 'read'
      : (classifyOperationWords([...operationWords(command), ...groups.flatMap(operationWords)]) ?? 'delete');
  if (groups.some((g) => ACCESS_GROUPS.has(g)) && cls !== 'read' && cls !== 'delete') cls = 'admin';
  if (groups[0] === 'group' && command === 'delete') cls = 'delete';
  return {
    operation: cls,
    apiOperation: `az ${words.join(' ')}`.trim(),
    resource: {
      kind: groups.join(' ') || null,
      id: groups[0] === 'group' ? (name ?? group) : name,
      owner: group ?? subscription,
      environment: environmentOfName(group) ?? environmentOfName(name) ?? environmentOfName(subscription),
    },
  };
}

const PROGRAMS: ReadonlySet<string> = new Set(['az']);

function readAzCommands(call: ToolCall): ApiReading | null {
  return riskiestReading(invocationsOf(call, PROGRAMS).map((run) => readAz(run.args)));
}

/** The Azure Resource Manager family (public, US Government and China clouds). */
export const azureFamily: ApiFamily = {
  id: 'azure',
  hosts: ['management.azure.com', 'management.usgovcloudapi.net', 'management.chinacloudapi.cn'],
  mostDangerous: 'delete',
  readRequest,
  readToolCall: readAzCommands,
};
