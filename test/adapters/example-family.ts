/**
 * A small typed API family written for the tests (a task API on tasks.example), so the framework and the
 * family conformance suite are checked apart from any one real API's table. Not a fake of a real API.
 */
import { isJsonObject } from '../../src/pipeline/model/json.js';
import type { ApiFamily } from '../../src/pipeline/normalize/api/api-family.js';
import { unknownOperation } from '../../src/pipeline/normalize/api/api-reading.js';
import { compileRoutes } from '../../src/pipeline/normalize/api/route-table.js';

const routes = compileRoutes([
  { method: 'GET', path: '/tasks/{owner}/{id}', id: 'tasks/get', operation: 'read', kind: 'task' },
  { method: 'DELETE', path: '/tasks/{owner}/{id}', id: 'tasks/delete', operation: 'delete', kind: 'task' },
  { method: 'POST', path: '/tasks/{owner}', id: 'tasks/create', operation: 'write', kind: 'task' },
  { method: 'POST', path: '/mail', id: 'mail/send', operation: 'send', kind: 'message' },
]);
/** The example family. */
export const tasks: ApiFamily = {
  id: 'tasks',
  hosts: ['tasks.example'],
  mostDangerous: 'delete',
  readRequest(r) {
    const m = routes.match(r.method, r.pathname);
    if (m === null) return unknownOperation(r.method, 'delete');
    const to = isJsonObject(r.body) ? r.body['to'] : undefined;
    const recipients = m.route.id === 'mail/send' && typeof to === 'string' ? [to] : [];
    return {
      operation: m.route.operation,
      apiOperation: m.route.id,
      resource: { kind: m.route.kind, owner: m.params['owner'] ?? null, id: m.params['id'] ?? null },
      recipients,
    };
  },
  readToolCall(call) {
    if (call.tool !== 'tasks_delete') return null;
    const owner = call.arguments['owner'];
    return {
      operation: 'delete',
      apiOperation: 'tasks/delete',
      resource: { kind: 'task', owner: typeof owner === 'string' ? owner : null },
    };
  },
};
