/** Stripe: every request the `stripe` SDK's resource classes make, named `<resource>.<sdk method>`. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generatedHeader, packageDir, packageVersion } from './package-source.js';
import type { ApiTable } from './table.js';

/** A request of a resource class: `this._makeRequest('POST', '/v1/charges', ...`. */
const STRIPE_REQUEST = /this\._makeRequest\('([A-Z]+)',\s*(['`])(.*?)\2/gs;
/** A method of a resource class, at class-body indentation: `    create(params, options) {`. */
const STRIPE_METHOD_HEAD = /^ {4}([A-Za-z0-9_]+)\([^)]*\)\s*\{/gm;

function stripeResourceName(file: string): string {
  // resources/Issuing/Cards.js -> issuing.cards; resources/PaymentIntents.js -> payment_intents.
  return file
    .replace(/\.js$/, '')
    .split('/')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())
    .join('.');
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...walkFiles(p));
    else if (d.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** Every [method, path template, operation id] of the SDK. */
export function stripeOperations(): Array<[string, string, string]> {
  const resources = join(packageDir('stripe'), 'cjs', 'resources');
  const rows: Array<[string, string, string]> = [];
  const seen = new Set<string>();
  for (const file of walkFiles(resources).sort()) {
    const name = stripeResourceName(relative(resources, file));
    const text = readFileSync(file, 'utf8');
    const heads = [...text.matchAll(STRIPE_METHOD_HEAD)];
    // Each request belongs to the method whose head precedes it (a method may branch to two requests).
    for (const m of text.matchAll(STRIPE_REQUEST)) {
      const head = heads.filter((h) => h.index < m.index).pop();
      if (head === undefined) throw new Error(`request outside a method in ${file}`);
      const path = m[3]!.replace(/\$\{encodeURIComponent\((\w+)\)\}/g, '{$1}');
      if (path.includes('${')) throw new Error(`unexpected template in ${file}: ${path}`);
      const key = `${m[1]!} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push([m[1]!, path, `${name}.${head[1]!}`]);
    }
  }
  return rows;
}

function renderStripe(): string {
  const root = packageDir('stripe');
  const version = packageVersion('stripe');
  const apiVersion = readFileSync(join(root, 'OPENAPI_VERSION'), 'utf8').trim();
  const rows = stripeOperations();
  const lines = rows.map((r) => `  [${r.map((x) => JSON.stringify(x)).join(', ')}],`);
  const text =
    generatedHeader(
      `stripe ${version} (OpenAPI ${apiVersion})`,
      "Every request the SDK's resource classes make: [method, path template, `<resource>.<sdk method>`].",
    ) +
    `\n/** The source package, its version and the OpenAPI version it was built from. */\n` +
    `export const STRIPE_SOURCE = ${JSON.stringify(`stripe ${version} (OpenAPI ${apiVersion})`)};\n\n` +
    `/** [method, path template with {param}s, operation id] for every request of the SDK. */\n` +
    `export const STRIPE_OPERATIONS: ReadonlyArray<readonly [method: string, path: string, operationId: string]> = [\n${lines.join('\n')}\n];\n`;
  return text;
}

/** The Stripe route table. */
export const stripeTable: ApiTable = { file: 'stripe-routes.ts', render: renderStripe };
