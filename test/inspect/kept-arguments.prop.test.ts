/**
 * Issue 15 F7, property: for any request, the facts the inspection thread answers of the arguments it keeps
 * (src/inspect-worker/kept-facts.ts) read what the main thread's own stages read of the whole arguments, and the
 * action hash bound from them (the canonical envelope around the thread's RFC 8785 text of the arguments) is
 * SHA-256 of the exact canonical action the main thread builds. Generated over MCP tools/call, resources/read,
 * JSON-RPC answers and REST bodies, with keys the parser's null-prototype objects must hold as plain members
 * (`__proto__`, `constructor`, `toString`), integer-like keys (which V8 enumerates first and RFC 8785 does not),
 * surrogate pairs, command lines, argv lists and SQL. Once in process (the facts cloned as they cross threads,
 * many runs), once through the real thread, where inspection must find the same too.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InspectWorker } from '../../src/inspect-worker/pool.js';
import { keptFactsOf } from '../../src/inspect-worker/kept-facts.js';
import { bindAction, type BindingContext } from '../../src/pipeline/bind/canonical-action.js';
import { DEFAULT_SETTINGS, inspectorConfigFrom, normalizeConfigFrom } from '../../src/pipeline/deps.js';
import { approvalArgumentsText } from '../../src/pipeline/enforce/approval-gate.js';
import { answerParts } from '../../src/pipeline/enforce/server-request-answer.js';
import { WritError } from '../../src/pipeline/errors.js';
import { inspectAction } from '../../src/pipeline/inspect/registry.js';
import { keptFacts, keptStandIn } from '../../src/pipeline/kept-arguments.js';
import type { Action } from '../../src/pipeline/model/action.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { resourceUriArgument } from '../../src/pipeline/normalize/mcp/resource-roots.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import { sqlOperation } from '../../src/pipeline/normalize/sql-arguments.js';
import { compilePolicySources } from '../../src/pipeline/policy/load.js';
import { shellArguments } from '../../src/pipeline/shell/read-shell.js';
import { READ_AFRESH } from '../../src/pipeline/shell/shell-reader.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pack = compilePolicySources([
  { name: 'default.yaml', text: readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8') },
]);
const inspectorConfig = inspectorConfigFrom(pack);
const normalizeConfig = normalizeConfigFrom(inspectorConfig, DEFAULT_SETTINGS);

const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'toJSON',
    '0',
    '1',
    '10',
    '4294967295',
    '-1',
    '01',
    '',
    'B',
    'a',
    '\u00e9',
    '\ud83d\ude00',
    '\uff5e',
    'command',
    'cmd',
    'script',
    'query',
    'sql',
    'statements',
    'uri',
    'id',
    'result',
    'roots',
  ),
  fc.string({ maxLength: 6 }),
);
const text = fc.oneof(
  fc.constantFrom(
    'ls -la /tmp',
    'echo "$(rm -rf ~)"',
    'ls x#;rm -rf /',
    'echo "unterminated',
    'SELECT 1; DROP TABLE orders',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    'file:///srv/a/../../etc/passwd',
    "' or 1=1 --",
    '\ud83d\ude00 caf\u00e9',
  ),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -0, 1e21, 1e-7, 0.1, -1.5, Number.MAX_SAFE_INTEGER),
    fc.integer(),
    text,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(text, { minLength: 1, maxLength: 3 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
  ),
}));
const args = fc.dictionary(key, tree, { maxKeys: 6 });

/** A request body as text (keys such as `__proto__` are members of its objects, as JSON.stringify writes them). */
const request = fc.oneof(
  fc.record({
    shape: fc.constant('tools/call' as const),
    name: fc.constantFrom('run_shell', 'query_db', 'x'),
    args,
  }),
  fc.record({ shape: fc.constant('resources/read' as const), name: fc.constant(''), args }),
  fc.record({ shape: fc.constant('answer' as const), name: fc.constant(''), args }),
  fc.record({ shape: fc.constant('rest' as const), name: fc.constant(''), args }),
);

/** JSON text of `value` with every object's members in the order given (Object.entries keeps `__proto__` as a member). */
function jsonText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
    .join(',')}}`;
}

function rawOf(r: { shape: string; name: string; args: unknown }): RawRequest {
  const a = jsonText(r.args);
  const body =
    r.shape === 'tools/call'
      ? `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${JSON.stringify(r.name)},"arguments":${a}}}`
      : r.shape === 'resources/read'
        ? `{"jsonrpc":"2.0","id":2,"method":"resources/read","params":${a}}`
        : r.shape === 'answer'
          ? `{"jsonrpc":"2.0","id":"r-1","result":${a}}`
          : a;
  const mcp = r.shape !== 'rest';
  return {
    role: 'check',
    requestId: 'r',
    method: 'POST',
    scheme: 'https',
    authority: mcp ? 'mcp.tools.svc.cluster.local' : 'api.github.com',
    path: mcp ? '/mcp' : '/repos/acme/app/issues',
    headers: { 'content-type': 'application/json', 'mcp-session-id': 's-1' },
    body: new TextEncoder().encode(body),
    bodyPartial: false,
    sourcePrincipal: 'spiffe://cluster.local/ns/agents/sa/a',
    sourceAddress: '',
    destinationPrincipal: '',
    receivedAtMs: 0,
  };
}

const CONTEXT: BindingContext = { subject: 'spiffe://cluster.local/ns/agents/sa/a' };

/** What `read` answers, or the code of the WritError it throws (the two paths must fail alike too). */
function outcome<T>(read: () => T): T | { thrown: string } {
  try {
    return read();
  } catch (err) {
    if (err instanceof WritError) return { thrown: err.code };
    throw err;
  }
}

/** The code of a WritError a thread's job rejected with, as `outcome` answers it; any other error propagates. */
function thrownCode(err: unknown): { thrown: string } {
  if (err instanceof WritError) return { thrown: err.code };
  throw err;
}

/** Every fact a main-thread stage reads of the arguments and payload, read from `action`. */
function stageReadings(raw: RawRequest, action: Action) {
  const a = action.action.arguments;
  return {
    hash: outcome(() => bindAction(raw, action, CONTEXT).hash),
    shell: outcome(() => shellArguments(a, READ_AFRESH)),
    sql: outcome(() => sqlOperation(a)),
    uri: resourceUriArgument(a),
    approval: approvalArgumentsText(a),
    answer: answerParts(action.payload),
  };
}

/** The main thread's action with stand-ins built from facts that crossed a thread boundary (cloned). */
function withStandIns(action: Action): Action {
  const standIn = keptStandIn(structuredClone(keptFactsOf(action, 1, READ_AFRESH)));
  return { ...action, action: { ...action.action, arguments: standIn }, payload: standIn };
}

describe('the facts of kept arguments read what the stages read of the arguments', () => {
  it('in process: the same readings and the same action hash', () => {
    let compared = 0;
    fc.assert(
      fc.property(request, (r) => {
        const raw = rawOf(r);
        let action: Action;
        try {
          action = normalizeRequest(raw, normalizeConfig);
        } catch (err) {
          if (err instanceof WritError) return; // refused before any stage reads it, on either thread
          throw err;
        }
        if (action.elements !== undefined) return;
        expect(stageReadings(raw, withStandIns(action))).toEqual(stageReadings(raw, action));
        compared++;
      }),
      { numRuns: 1500 },
    );
    expect(compared).toBeGreaterThan(500);
  });
});

describe('through the inspection thread', () => {
  const worker = new InspectWorker();
  afterAll(async () => worker.close());
  const go = (): Promise<void> => Promise.resolve();

  it('the kept action reads, hashes and inspects as the main thread’s own', async () => {
    let kept = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const raw = rawOf(r);
        const here = outcome(() => normalizeRequest(raw, normalizeConfig));
        const there = await worker
          .normalize(raw, normalizeConfig, go, 'until-inspected')
          .then((a) => a, thrownCode);
        if ('thrown' in here || 'thrown' in there) {
          expect(there).toEqual(here);
          return;
        }
        if (keptFacts(there.action.arguments) === undefined) return;
        kept++;
        expect(stageReadings(raw, there)).toEqual(stageReadings(raw, here));
        const found = outcome(() => inspectAction(here, raw.headers, inspectorConfig).findings);
        const foundThere = await worker
          .inspect(there, raw.headers, inspectorConfig, go)
          .then((f) => f, thrownCode);
        expect(foundThere).toEqual(found);
      }),
      { numRuns: 150 },
    );
    expect(kept).toBeGreaterThan(50);
  });
});
