/**
 * Kubernetes resources as the API server authorizes them: the built-in group/resource/kind table (generated
 * from kubernetes-models), and the class, id and resource facts of one set of request attributes. Shared by
 * the API path reading (kubernetes.ts) and the kubectl reading (kubernetes-commands.ts).
 */
import type { OperationClass } from '../../model/action.js';
import type { ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { KUBERNETES_KINDS } from './generated/kubernetes-kinds.js';

/** One built-in resource: its API group ("" for core) and kind. */
interface BuiltinResource {
  readonly group: string;
  readonly kind: string;
}

/**
 * The resource name the API server serves a kind under: apimachinery's `UnsafeGuessKindToResource` rule
 * (lower-case; `s` -> `ses`, `y` -> `ies`, else `s`), with the one built-in kind it guesses wrong.
 */
export function kindToResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return 'endpoints';
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** `group/resource` -> kind, for every built-in resource of every version. */
const BUILTIN: ReadonlyMap<string, BuiltinResource> = new Map(
  KUBERNETES_KINDS.map(([group, , kind]) => [`${group}/${kindToResource(kind)}`, { group, kind }] as const),
);

/** Built-in resources whose writes change who may do what: writing them is administration. */
const ADMIN_GROUPS: ReadonlySet<string> = new Set([
  'rbac.authorization.k8s.io',
  'admissionregistration.k8s.io',
  'certificates.k8s.io',
  'apiregistration.k8s.io',
]);

/** Requests whose POST asks a question and changes nothing (access reviews, token reviews). */
const REVIEW_GROUPS: ReadonlySet<string> = new Set(['authorization.k8s.io', 'authentication.k8s.io']);

/** Subresources that run code in or open a channel into a running workload, whatever the method. */
const EXECUTE_SUBRESOURCES: ReadonlySet<string> = new Set([
  'exec',
  'attach',
  'portforward',
  'proxy',
  'ephemeralcontainers',
]);

/** Subresources only read. */
const READ_SUBRESOURCES: ReadonlySet<string> = new Set(['log']);

/** The request attributes the API server derives from a resource path (k8s.io/apiserver RequestInfo). */
export interface KubernetesRequest {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string | null;
  readonly namespace: string | null;
  readonly name: string | null;
}

function classOf(req: KubernetesRequest): OperationClass {
  const sub = req.subresource;
  if (sub !== null && EXECUTE_SUBRESOURCES.has(sub)) return 'exec';
  if (req.verb === 'delete' || req.verb === 'deletecollection') return 'delete';
  if (sub === 'eviction') return 'delete';
  if (req.verb === 'get' || req.verb === 'list' || req.verb === 'watch') {
    if (sub === null || READ_SUBRESOURCES.has(sub) || sub === 'status' || sub === 'scale') return 'read';
    // A subresource writ does not know, read through GET: the most dangerous plausible reading.
    return 'exec';
  }
  // create / update / patch
  if (REVIEW_GROUPS.has(req.group) && sub === null) return 'read';
  if (ADMIN_GROUPS.has(req.group)) return 'admin';
  if (sub === 'token' || sub === 'approval') return 'admin';
  if (req.group === '' && req.resource === 'serviceaccounts' && sub !== null) return 'admin';
  return 'write';
}

/** The kind a resource is: the built-in kind's lower-case name, or for a custom resource its resource name. */
function kindOf(req: KubernetesRequest): string {
  const builtin = BUILTIN.get(`${req.group}/${req.resource}`);
  return builtin === undefined ? req.resource : builtin.kind.toLowerCase();
}

/** The RBAC-style id of the operation: `delete:core/namespaces`, `create:core/pods/exec`, `patch:apps/deployments`. */
export function kubernetesOperationId(req: KubernetesRequest): string {
  const group = req.group === '' ? 'core' : req.group;
  return `${req.verb}:${group}/${req.resource}${req.subresource === null ? '' : `/${req.subresource}`}`;
}

/** The typed reading of one Kubernetes request attribute set (shared with the kubectl reading). */
export function readKubernetesRequest(req: KubernetesRequest): ApiReading {
  const isNamespace = req.group === '' && req.resource === 'namespaces';
  const namespace = isNamespace ? req.name : req.namespace;
  return {
    operation: classOf(req),
    apiOperation: kubernetesOperationId(req),
    resource: {
      kind: kindOf(req),
      id: req.name,
      owner: isNamespace ? null : req.namespace,
      environment: environmentOfName(namespace),
    },
  };
}

/** True when the group/resource is one the generated table lists (not a custom resource). */
export function isBuiltinResource(group: string, resource: string): boolean {
  return BUILTIN.has(`${group}/${resource}`);
}

/**
 * kubectl's short names (served by API discovery, which no package ships: written by hand from
 * `kubectl api-resources`, 1.33).
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  cm: 'configmaps',
  cs: 'componentstatuses',
  ep: 'endpoints',
  ev: 'events',
  limits: 'limitranges',
  ns: 'namespaces',
  no: 'nodes',
  pvc: 'persistentvolumeclaims',
  pv: 'persistentvolumes',
  po: 'pods',
  rc: 'replicationcontrollers',
  quota: 'resourcequotas',
  sa: 'serviceaccounts',
  svc: 'services',
  crd: 'customresourcedefinitions',
  crds: 'customresourcedefinitions',
  ds: 'daemonsets',
  deploy: 'deployments',
  rs: 'replicasets',
  sts: 'statefulsets',
  hpa: 'horizontalpodautoscalers',
  cj: 'cronjobs',
  csr: 'certificatesigningrequests',
  ing: 'ingresses',
  netpol: 'networkpolicies',
  pdb: 'poddisruptionbudgets',
  pc: 'priorityclasses',
  sc: 'storageclasses',
};

/** Plural, singular and kind names (lower-case) -> [group, resource], core and apps winning a shared name. */
const BY_TYPED_NAME: ReadonlyMap<string, readonly [string, string]> = (() => {
  const out = new Map<string, readonly [string, string]>();
  const rank = (g: string): number => (g === '' ? 0 : g === 'apps' ? 1 : 2);
  for (const [key, { group, kind }] of BUILTIN) {
    const resource = key.slice(key.indexOf('/') + 1);
    for (const name of [resource, kind.toLowerCase()]) {
      const seen = out.get(name);
      if (seen === undefined || rank(group) < rank(seen[0])) out.set(name, [group, resource]);
    }
  }
  for (const [short, resource] of Object.entries(SHORT_NAMES)) {
    const seen = out.get(resource);
    if (seen !== undefined) out.set(short, seen);
  }
  return out;
})();

/**
 * The group and resource a name typed to kubectl means (`ns`, `namespace`, `Namespaces`,
 * `deployments.apps`, `deployments.v1.apps`); a name writ does not know is a custom resource: its own
 * plural, with the group it names after the first dot.
 */
export function resolveTypedResource(typed: string): { group: string; resource: string } {
  const lower = typed.toLowerCase();
  const dot = lower.indexOf('.');
  const name = dot === -1 ? lower : lower.slice(0, dot);
  let group = dot === -1 ? null : lower.slice(dot + 1);
  // `deployments.v1.apps`: the version sits between the resource and the group.
  if (group !== null && /^v\d+(?:(?:alpha|beta)\d+)?\./.test(group))
    group = group.slice(group.indexOf('.') + 1);
  const known = BY_TYPED_NAME.get(name);
  if (known !== undefined && (group === null || group === known[0] || (group === 'core' && known[0] === '')))
    return { group: known[0], resource: known[1] };
  return { group: group ?? '', resource: name };
}
