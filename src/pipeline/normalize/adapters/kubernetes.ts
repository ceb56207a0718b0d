/**
 * Kubernetes API family: `/api/v1/...` and `/apis/<group>/<version>/...` read as the API server's own request
 * attributes (verb, group, resource, subresource, namespace, name), the words RBAC authorizes by. The built-in
 * resources come from the generated kind table (kubernetes-models); a resource it does not list is a custom
 * resource, read by its verb.
 */
import type { ApiFamily, ApiRequest } from '../api/api-family.js';
import type { ApiReading } from '../api/api-reading.js';
import { readKubernetesCommands } from './kubernetes-commands.js';
import { kubernetesRequestOfPath } from './kubernetes-path.js';
import { readKubernetesRequest } from './kubernetes-resources.js';

/** Paths that serve discovery, health and version (no resource). */
const DISCOVERY = /^\/(?:api|apis|version|healthz|livez|readyz|openapi\/v[23])(?:\/[^/]*)?\/?$/;

function readRequest(request: ApiRequest): ApiReading {
  const req = kubernetesRequestOfPath(request.method, request.pathname, request.query);
  if (req === null) {
    if (DISCOVERY.test(request.pathname) && (request.method === 'GET' || request.method === 'HEAD'))
      return { operation: 'read', apiOperation: 'discovery' };
    // SECURITY: a path the API server may read otherwise than writ: the most dangerous plausible class.
    return { operation: request.method === 'DELETE' ? 'delete' : 'admin', apiOperation: null };
  }
  return readKubernetesRequest(req);
}

/** The Kubernetes API family: the in-cluster service names and the managed control planes' hosts. */
export const kubernetesFamily: ApiFamily = {
  id: 'kubernetes',
  hosts: [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    '*.eks.amazonaws.com',
    '*.azmk8s.io',
  ],
  mostDangerous: 'admin',
  readRequest,
  readToolCall: readKubernetesCommands,
};
