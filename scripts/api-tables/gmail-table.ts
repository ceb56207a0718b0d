/** Renders the Gmail route table (gmail.ts classifies; this writes the module). Upload paths are routes too. */
import { classify, gmailMethods, SOURCE, sourceVersion } from './gmail.js';
import { renderRouteTable, type ApiTable } from './table.js';

export const gmailTable: ApiTable = {
  file: 'gmail-routes.ts',
  render() {
    const classified = gmailMethods().map(classify);
    return renderRouteTable({
      prefix: 'GMAIL',
      what: 'the Gmail API (its discovery document as compiled into the client)',
      source: { ...SOURCE, version: sourceVersion() },
      operations: classified.length,
      routes: classified.flatMap((c) =>
        'unclassified' in c
          ? []
          : [
              [c.m.httpMethod, c.m.path, c.m.id, c.operation, c.kind] as const,
              ...(c.m.uploadPath === null
                ? []
                : [[c.m.httpMethod, c.m.uploadPath, c.m.id, c.operation, c.kind] as const]),
            ],
      ),
      unclassified: classified.flatMap((c) =>
        'unclassified' in c ? [[c.m.httpMethod, c.m.path, c.m.id, c.unclassified] as const] : [],
      ),
      generator: 'scripts/api-tables/gmail.ts',
    });
  },
};
