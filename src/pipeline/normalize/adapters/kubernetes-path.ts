/** A Kubernetes API path read as the API server's request attributes (k8s.io/apiserver's RequestInfo). */
import type { ApiRequest } from '../api/api-family.js';
import type { KubernetesRequest } from './kubernetes-resources.js';

function segments(pathname: string): string[] | null {
  const parts = pathname.split('/');
  if (parts[0] !== '') return null;
  const out: string[] = [];
  for (const p of parts.slice(1)) {
    // SECURITY: a percent-encoded or dot segment may be read by the server as another path; not guessed.
    if (p === '' || p === '.' || p === '..' || p.includes('%')) return null;
    out.push(p);
  }
  return out;
}

function verbOf(method: string, name: string | null, query: ApiRequest['query']): string | null {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (query['watch']?.some((v) => v === 'true' || v === '1') === true) return 'watch';
      return name === null ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name === null ? 'deletecollection' : 'delete';
    default:
      return null;
  }
}

/** The request attributes of a resource path, or null when the path is not one (discovery, or malformed). */
export function kubernetesRequestOfPath(
  method: string,
  pathname: string,
  query: ApiRequest['query'],
): KubernetesRequest | null {
  const s = segments(pathname);
  if (s === null) return null;
  let group: string;
  let version: string;
  let rest: string[];
  if (s[0] === 'api' && s.length >= 3) {
    group = '';
    version = s[1]!;
    rest = s.slice(2);
  } else if (s[0] === 'apis' && s.length >= 4) {
    group = s[1]!;
    version = s[2]!;
    rest = s.slice(3);
  } else return null;
  // The deprecated `/watch/` prefix is a watch of what follows.
  const watch = rest[0] === 'watch';
  if (watch) rest = rest.slice(1);
  let namespace: string | null = null;
  // `namespaces/<ns>/<resource>...` is a namespaced resource; `namespaces/<ns>[/status|finalize]` the namespace.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return null;
  const [resource, name = null, subresource = null] = rest;
  const verb = watch ? 'watch' : verbOf(method, name, query);
  if (verb === null || resource === undefined) return null;
  return { verb, group, version, resource, subresource, namespace, name };
}
