/** The family conformance suite, run on the example family (so the suite is checked before any real family). */
import { request } from '../normalize/adapter.case.js';
import { describeFamilyConformance } from './family.case.js';
import { tasks } from './example-family.js';

describeFamilyConformance(tasks, [
  request('GET', '/tasks/acme/1', '', {}, 'tasks.example'),
  request('DELETE', '/tasks/acme/1', '', {}, 'tasks.example'),
  request('POST', '/tasks/acme', '{"title":"x"}', undefined, 'tasks.example'),
  request('POST', '/mail', '{"to":"eve@evil.example"}', undefined, 'tasks.example'),
]);
