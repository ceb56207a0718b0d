/** Renders the GitHub REST route table (github-rest.ts classifies; this writes the module). */
import { classify, SOURCE, sourceVersion, specOperations } from './github-rest.js';
import { renderRouteTable, type ApiTable } from './table.js';

export const githubRestTable: ApiTable = {
  file: 'github-rest-routes.ts',
  render() {
    const classified = specOperations().map(classify);
    return renderRouteTable({
      prefix: 'GITHUB_REST',
      what: "GitHub's REST description",
      source: { ...SOURCE, version: sourceVersion() },
      operations: classified.length,
      routes: classified.flatMap((c) =>
        'unclassified' in c ? [] : [[c.op.method, c.op.path, c.op.operationId, c.operation, c.kind] as const],
      ),
      unclassified: classified.flatMap((c) =>
        'unclassified' in c ? [[c.op.method, c.op.path, c.op.operationId, c.unclassified] as const] : [],
      ),
      generator: 'scripts/api-tables/github-rest.ts',
    });
  },
};
