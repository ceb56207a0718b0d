/**
 * Jira Cloud: every request of the `jira.js` client (platform REST v2/v3, Agile, Service Management), as
 * [method, path template, `<area>.<function>`]; the class is derived at run time from the method and the
 * function's verb (adapters/jira.ts), and the spec-coverage test lists what it leaves unclassified.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader, packageDir, packageVersion } from './package-source.js';
import type { ApiTable } from './table.js';

/** `export async function createIssue(client, parameters) {` in a jira.js API module. */
const FUNCTION_HEAD = /^export async function ([A-Za-z0-9_]+)\(/gm;
/** `url: '/rest/api/3/issue'` or a template, then `method: 'POST'`. */
const REQUEST = /url: (['`])(.*?)\1,\s*method: '([A-Z]+)'/gs;

/** Every [method, path template, operation id] of the client's cloud, agile and service desk modules. */
export function jiraOperations(): Array<[string, string, string]> {
  const root = join(packageDir('jira.js'), 'dist');
  const rows: Array<[string, string, string]> = [];
  const seen = new Set<string>();
  for (const area of ['cloud/api', 'agile/api', 'serviceDesk/api']) {
    const dir = join(root, area);
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'index.js');
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const text = readFileSync(join(dir, file), 'utf8');
      const heads = [...text.matchAll(FUNCTION_HEAD)];
      for (const m of text.matchAll(REQUEST)) {
        const head = heads.filter((h) => h.index < m.index).pop();
        if (head === undefined) continue;
        // `${parameters.issueIdOrKey}` -> `{issueIdOrKey}`; any other expression -> `{param}`.
        const path = m[2]!
          .replace(/\$\{parameters\??\.([A-Za-z0-9_]+)\}/g, '{$1}')
          .replace(/\$\{[^}]*\}/g, '{param}');
        const key = `${m[3]!} ${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push([m[3]!, path, `${file.replace(/\.js$/, '')}.${head[1]!}`]);
      }
    }
  }
  return rows;
}

function renderJira(): string {
  const version = packageVersion('jira.js');
  const rows = jiraOperations();
  const lines = rows.map((r) => `  [${r.map((x) => JSON.stringify(x)).join(', ')}],`);
  return (
    generatedHeader(
      `jira.js ${version}`,
      'Every request the client makes: [method, path template, `<module>.<function>`].',
    ) +
    `\n/** The source package and version. */\nexport const JIRA_SOURCE = ${JSON.stringify(`jira.js ${version}`)};\n\n` +
    `/** [method, path template with {param}s, operation id]. */\n` +
    `export const JIRA_OPERATIONS: ReadonlyArray<readonly [method: string, path: string, operationId: string]> = [\n${lines.join('\n')}\n];\n`
  );
}

/** The Jira route table. */
export const jiraTable: ApiTable = { file: 'jira-routes.ts', render: renderJira };
