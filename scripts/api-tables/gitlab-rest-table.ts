/** Renders the GitLab REST route table (gitlab-rest.ts reads and classifies; this writes the module). */
import {
  classifyGitlab,
  GITLAB_DOCUMENT,
  GITLAB_PACKAGE,
  gitlabOperations,
  gitlabSourceVersion,
} from './gitlab-rest.js';
import { renderRouteTable, type ApiTable } from './table.js';

export const gitlabRestTable: ApiTable = {
  file: 'gitlab-rest-routes.ts',
  render() {
    const classified = gitlabOperations().map(classifyGitlab);
    return renderRouteTable({
      prefix: 'GITLAB_REST',
      what:
        "GitLab's REST API (`/api/v4`) as the typed client's resource classes call it (GitLab's own OpenAPI " +
        'description is not in the npm registry)',
      source: { package: GITLAB_PACKAGE, version: gitlabSourceVersion(), document: GITLAB_DOCUMENT },
      operations: classified.length,
      routes: classified.flatMap((c) =>
        'unclassified' in c || c.op.path === null
          ? []
          : [[c.op.method, c.op.path, c.op.id, c.operation, c.kind] as const],
      ),
      unclassified: classified.flatMap((c) =>
        'unclassified' in c ? [[c.op.method, c.op.path ?? '', c.op.id, c.unclassified] as const] : [],
      ),
      generator: 'scripts/api-tables/gitlab-rest.ts',
    });
  },
};
