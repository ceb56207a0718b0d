/**
 * Linear: every root field of the GraphQL schema's Query and Mutation types, with the first word of the
 * schema's own description (`Deletes an issue.` -> `deletes`), from the `@linear/sdk` type declarations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedHeader, packageDir, packageVersion } from './package-source.js';
import type { ApiTable } from './table.js';

/** [root type, field, description's first word (lower-case, '' when none)] for Query and Mutation. */
export function linearRootFields(): Array<[string, string, string]> {
  const dist = join(packageDir('@linear/sdk'), 'dist');
  const file = readdirSync(dist).find(
    (f) => f.endsWith('.d.mts') && readFileSync(join(dist, f), 'utf8').includes('type Mutation = {'),
  );
  if (file === undefined) throw new Error('no Mutation type in @linear/sdk');
  const lines = readFileSync(join(dist, file), 'utf8').split('\n');
  const rows: Array<[string, string, string]> = [];
  for (const type of ['Query', 'Mutation']) {
    const start = lines.findIndex((l) => l === `type ${type} = {`);
    if (start === -1) throw new Error(`no ${type} type in @linear/sdk`);
    let doc = '';
    for (let i = start + 1; i < lines.length && lines[i] !== '};'; i++) {
      const line = lines[i]!;
      // `/** Deletes an issue. */`, or a block whose first text line follows `/**`.
      const comment = /^ {2}(?:\/\*\*|\*)\s*(.*?)\s*(?:\*\/)?$/.exec(line);
      if (comment !== null) {
        const text = comment[1]!.replace(/^\[[^\]]*\]\s*/, '');
        if (doc === '' && text !== '' && text !== '/') doc = text;
        continue;
      }
      const field = /^ {2}([A-Za-z0-9_]+)\??: /.exec(line);
      if (field === null || field[1]!.startsWith('__')) continue;
      rows.push([type.toLowerCase(), field[1]!, (/^[A-Za-z]+/.exec(doc)?.[0] ?? '').toLowerCase()]);
      doc = '';
    }
  }
  return rows;
}

function renderLinear(): string {
  const version = packageVersion('@linear/sdk');
  const lines = linearRootFields().map((r) => `  [${r.map((x) => JSON.stringify(x)).join(', ')}],`);
  return (
    generatedHeader(
      `@linear/sdk ${version}`,
      "Root fields of Linear's GraphQL Query and Mutation types, with their description's first word.",
    ) +
    `\n/** The source package and version. */\nexport const LINEAR_SOURCE = ${JSON.stringify(`@linear/sdk ${version}`)};\n\n` +
    `/** [root type ('query' | 'mutation'), field, first word of its description]. */\n` +
    `export const LINEAR_ROOT_FIELDS: ReadonlyArray<readonly [type: string, field: string, describedAs: string]> = [\n${lines.join('\n')}\n];\n`
  );
}

/** The Linear root-field table. */
export const linearTable: ApiTable = { file: 'linear-fields.ts', render: renderLinear };
