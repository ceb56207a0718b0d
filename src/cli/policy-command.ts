/**
 * `writ policy test | explain | validate`: policy as code. Tests are YAML cases beside the pack
 * (`<dir>/tests/*.yaml`), run like `opa test`; explain shows every rule, each condition's outcome and
 * the decision, for a request or for an audited decision by its trace id.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { mapCheckRequest } from '../extauthz/map-request.js';
import { inspectorConfigFrom } from '../pipeline/deps.js';
import { WritError } from '../pipeline/errors.js';
import { inspectAction, DEFAULT_INSPECTORS } from '../pipeline/inspect/registry.js';
import { INSPECTOR_FAILED } from '../pipeline/inspect/run-inspectors.js';
import type { Action } from '../pipeline/model/action.js';
import { SEVERITY_ORDER, type Finding, type Severity } from '../pipeline/model/finding.js';
import { normalizeRequest } from '../pipeline/normalize/index.js';
import { actionFrom, type PartialAction } from './action-template.js';
import { auditedValues } from './audit-values.js';
import { DEFAULT_MCP_ENDPOINTS, parseMcpEndpoints } from '../pipeline/normalize/mcp-endpoint.js';
import { DEFAULT_A2A_ENDPOINTS, parseA2aEndpoints } from '../pipeline/normalize/a2a/endpoints.js';
import { explainInput, explainValues, formatExplanation } from '../pipeline/policy/explain.js';
import { PolicyLoadError } from '../pipeline/policy/load.js';
import { loadPolicyFolder } from '../policy-files.js';
import { policyInput, type PolicyFacts } from '../pipeline/policy/policy-input.js';
import { evaluateInput } from '../pipeline/policy/evaluate.js';
import { taintFacts, type TaintFacts } from '../pipeline/taint/taint-facts.js';
import type { PolicyDecision, PolicySet } from '../pipeline/policy/types.js';
import type { DecisionEvent } from '../pipeline/audit-record/audit-event.js';
import { scenarioCheckRequest, type ScenarioRequest } from './scenario.js';

type Out = NodeJS.WritableStream;

/** The inspector ids a rule's `signals.<id>` may name. */
const KNOWN_INSPECTORS: ReadonlySet<string> = new Set(DEFAULT_INSPECTORS.map((i) => i.id));

/** Loads a policy folder with the CLI's checks (known inspector ids, paths relative to the cwd). */
function loadPolicy(dir: string): PolicySet {
  return loadPolicyFolder(dir, { knownInspectors: KNOWN_INSPECTORS });
}

/** One policy test case as written. */
interface TestCase {
  readonly name: string;
  readonly at?: string;
  /** A request in scenario form: mapped, normalized and inspected like a live one. */
  readonly request?: ScenarioRequest;
  /** Or an action directly (omitted parts take defaults), with the findings to assume. */
  readonly action?: PartialAction;
  readonly findings?: ReadonlyArray<{
    readonly id: string;
    readonly severity: Severity;
    readonly count?: number;
  }>;
  readonly facts?: PolicyFacts;
  /**
   * The session's taint: the reads that tainted it (`at` defaults to the case's time). Absent: untainted.
   * Read as the check role reads a tainted session (src/pipeline/taint/taint-facts.ts).
   */
  readonly taint?: ReadonlyArray<{
    readonly server: string;
    readonly tool: string;
    readonly method?: string;
    readonly findings: readonly string[];
    readonly at?: string;
  }>;
  readonly expect: {
    readonly decision: string;
    readonly code?: string;
    readonly rules?: readonly string[];
    readonly rules_include?: readonly string[];
    readonly obligations?: Record<string, unknown>;
  };
}

const DEFAULT_AT = '2026-01-05T10:00:00Z';

/** The action and findings of a case, going through the real normalizer and inspectors for a request. */
function prepareCase(
  set: PolicySet,
  c: TestCase,
): { action: Action; findings: Finding[]; headers?: Readonly<Record<string, string>> } {
  const atMs = Date.parse(c.at ?? DEFAULT_AT);
  if (Number.isNaN(atMs)) throw new TypeError(`invalid "at" time "${c.at ?? ''}"`);
  if (c.request !== undefined) {
    const mapped = mapCheckRequest(scenarioCheckRequest(c.request), 'check', atMs, () => 'policy-test');
    // The server denies such a request with this code before policy; a case may expect exactly that.
    if (!mapped.ok) throw new WritError(mapped.code, mapped.message);
    const config = inspectorConfigFrom(set);
    // Test cases may name the agent, tenant and session through x-writ-* headers, as a trusted proxy would.
    const action = normalizeRequest(mapped.raw, {
      internalDomains: config.internalDomains,
      productionDatabases: config.productionDatabases,
      trustAgentHeaders: true,
      mcpEndpoints: parseMcpEndpoints(config.mcpEndpoints ?? DEFAULT_MCP_ENDPOINTS),
      a2aEndpoints: parseA2aEndpoints(config.a2aEndpoints ?? DEFAULT_A2A_ENDPOINTS),
      ...(config.apiHosts === undefined ? {} : { apiHosts: config.apiHosts }),
    });
    const findings = inspectAction(action, mapped.raw.headers, config).findings;
    if (findings.some((f) => f.id === INSPECTOR_FAILED))
      throw new TypeError('an inspector failed on this request');
    return { action, findings, headers: mapped.raw.headers };
  }
  const partial = c.action ?? {};
  const action = actionFrom({ ...partial, context: { ...partial.context, timeMs: atMs } });
  const findings = (c.findings ?? []).map((f): Finding => ({
    id: f.id,
    inspector: f.id.split('.', 1)[0] ?? f.id,
    severity: f.severity,
    path: '$',
    evidence: '',
    owasp: [],
    atlas: [],
    ...(f.count === undefined ? {} : { count: f.count }),
  }));
  for (const f of findings)
    if (!SEVERITY_ORDER.includes(f.severity)) throw new TypeError(`unknown severity "${f.severity}"`);
  return { action, findings };
}

/** The taint a case names, as the check role would read it at the case's time. */
function caseTaint(c: TestCase): TaintFacts {
  const atMs = Date.parse(c.at ?? DEFAULT_AT);
  // The case is YAML as written: its shape is checked here, not assumed.
  const written: unknown = c.taint ?? [];
  if (!Array.isArray(written)) throw new TypeError('"taint" is a list of reads');
  const sources = (written as NonNullable<TestCase['taint']>).map((t, i) => {
    if (typeof t?.server !== 'string' || typeof t.tool !== 'string' || !Array.isArray(t.findings))
      throw new TypeError(`taint read ${i + 1} needs server, tool and findings`);
    const at = t.at === undefined ? atMs : Date.parse(t.at);
    if (Number.isNaN(at)) throw new TypeError(`invalid taint "at" time "${t.at ?? ''}"`);
    return {
      server: t.server,
      tool: t.tool,
      method: t.method ?? 'tools/call',
      findings: t.findings,
      at,
      traceId: 'policy-test',
      subject: 'policy-test',
      agent: null,
    };
  });
  return taintFacts([{ key: 'session:policy-test', sources, expiresAt: Number.MAX_SAFE_INTEGER }], atMs);
}

/** What the server decides for a request refused before policy (malformed, or reading two ways). */
const refused = (err: WritError): Pick<PolicyDecision, 'decision' | 'rules'> & { code: string } => ({
  decision: 'DENY',
  code: err.code,
  rules: [],
});

/** What differs between a decision and a case's expectation; empty when it passes. */
function compare(
  d: Pick<PolicyDecision, 'decision' | 'rules' | 'obligations'> & { code: string },
  e: TestCase['expect'],
): string[] {
  const out: string[] = [];
  if (d.decision !== e.decision) out.push(`decision: want ${e.decision}, got ${d.decision}`);
  if (e.code !== undefined && d.code !== e.code) out.push(`code: want ${e.code}, got ${d.code}`);
  if (e.rules !== undefined && JSON.stringify(d.rules) !== JSON.stringify(e.rules)) {
    out.push(`rules: want [${e.rules.join(', ')}], got [${d.rules.join(', ')}]`);
  }
  for (const r of e.rules_include ?? [])
    if (!d.rules.includes(r)) out.push(`rules: want to include ${r}, got [${d.rules.join(', ')}]`);
  if (e.obligations !== undefined) {
    const got = (d.obligations ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(e.obligations)) {
      if (JSON.stringify(got[k]) !== JSON.stringify(v))
        out.push(`obligations.${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(got[k])}`);
    }
  }
  return out;
}

/** Runs every case file of `<dir>/tests`; returns the number of failed cases. */
function runTests(dir: string, out: Out, err: Out): number {
  const set = loadPolicy(dir);
  const testsDir = join(dir, 'tests');
  const files = statSync(testsDir, { throwIfNoEntry: false })?.isDirectory()
    ? readdirSync(testsDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (files.length === 0) {
    err.write(`writ policy test: no test files in "${testsDir}"\n`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const path = join(testsDir, file);
    const doc = parse(readFileSync(path, 'utf8')) as { cases?: TestCase[] } | null;
    const cases = doc?.cases;
    if (!Array.isArray(cases) || cases.length === 0) {
      err.write(`${path}: a test file holds a non-empty "cases" list\n`);
      failed++;
      continue;
    }
    for (const [i, c] of cases.entries()) {
      const label = `${path}: ${c.name ?? `case ${i + 1}`}`;
      let problems: string[];
      try {
        if (c.expect === undefined || typeof c.expect.decision !== 'string')
          throw new TypeError('case lacks expect.decision');
        if ((c.request === undefined) === (c.action === undefined))
          throw new TypeError('a case has either "request" or "action"');
        const { action, findings, headers } = prepareCase(set, c);
        const facts = {
          ...(headers === undefined ? {} : { headers }),
          ...(c.taint === undefined ? {} : { taint: caseTaint(c) }),
          ...c.facts,
        };
        problems = compare(evaluateInput(set, policyInput(action, findings, facts)), c.expect);
      } catch (e) {
        problems =
          e instanceof WritError && c.expect !== undefined
            ? compare(refused(e), c.expect)
            : [e instanceof WritError || e instanceof TypeError ? e.message : String(e)];
      }
      if (problems.length === 0) {
        passed++;
        out.write(`PASS ${label}\n`);
      } else {
        failed++;
        out.write(`FAIL ${label}\n${problems.map((p) => `     ${p}\n`).join('')}`);
      }
    }
  }
  out.write(`\n${passed} passed, ${failed} failed (policy version ${set.version})\n`);
  return failed;
}

/** Reads a request in scenario form from a file or stdin: a whole scenario (`request:`, `at:`) or a bare request. */
function readRequest(file: string): { request: ScenarioRequest; at?: string } {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const doc = parse(text) as { request?: ScenarioRequest; at?: string } & ScenarioRequest;
  if (doc === null || typeof doc !== 'object') throw new TypeError(`"${file}" holds no request`);
  if (doc.request !== undefined)
    return { request: doc.request, ...(doc.at === undefined ? {} : { at: doc.at }) };
  return { request: doc };
}

/** Finds the decision event with a trace id in a JSON-lines audit file. */
function findAuditEvent(file: string, traceId: string): { event: DecisionEvent; time: string } | null {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(traceId)) continue;
    const rec = JSON.parse(line) as { time?: string; event?: DecisionEvent };
    if (rec.event?.type === 'decision' && rec.event.trace_id === traceId && typeof rec.time === 'string')
      return { event: rec.event, time: rec.time };
  }
  return null;
}

function explain(args: string[], out: Out, err: Out): number {
  const { values } = parseArgs({
    args,
    options: {
      request: { type: 'string' },
      'trace-id': { type: 'string' },
      audit: { type: 'string' },
      policy: { type: 'string', default: 'policies' },
      at: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const set = loadPolicy(values.policy);
  const print = (e: ReturnType<typeof explainInput>, extra: Record<string, unknown> = {}) =>
    out.write(values.json ? `${JSON.stringify({ ...e, ...extra }, null, 2)}\n` : formatExplanation(e));
  if (values.request !== undefined) {
    const { request, at } = readRequest(values.request);
    const { action, findings, headers } = prepareCase(set, {
      name: 'explain',
      request,
      at: values.at ?? at ?? new Date().toISOString(),
      expect: { decision: '' },
    });
    if (!values.json && findings.length > 0)
      out.write(`findings: ${findings.map((f) => `${f.id} (${f.severity})`).join(', ')}\n\n`);
    print(explainInput(set, policyInput(action, findings, headers === undefined ? {} : { headers })), {
      findings,
    });
    return 0;
  }
  if (values['trace-id'] !== undefined && values.audit !== undefined) {
    const found = findAuditEvent(values.audit, values['trace-id']);
    if (found === null) {
      err.write(
        `writ policy explain: no decision with trace id "${values['trace-id']}" in "${values.audit}"\n`,
      );
      return 1;
    }
    const { event, time } = found;
    const e = explainValues(set, auditedValues(set, event, time));
    print(e, {
      recorded: {
        decision: event.decision,
        code: event.code,
        rules: event.rules,
        policy_version: event.policy_version,
      },
    });
    if (!values.json) {
      out.write(
        `recorded: ${event.decision} (${event.code}) by [${event.rules.join(', ')}] under policy ${event.policy_version} at ${time}\n`,
      );
      if (event.policy_version !== set.version) {
        out.write(
          `warning: the record was decided under policy ${event.policy_version}; "${values.policy}" is ${set.version}\n`,
        );
      }
    }
    return 0;
  }
  err.write(
    'writ policy explain: needs --request FILE or --trace-id ID with --audit FILE (writ policy explain --help)\n',
  );
  return 2;
}

/** Runs `writ policy <subcommand>`; resolves to the process exit code. */
export function runPolicyCommand(args: string[], out: Out, err: Out): Promise<number> {
  try {
    return Promise.resolve(policyCommand(args, out, err));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function policyCommand(args: string[], out: Out, err: Out): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'validate': {
        if (rest[0] === undefined) break;
        const set = loadPolicy(rest[0]);
        out.write(
          `ok: ${set.rules.length} rules, ${Object.keys(set.lists).length} lists, policy version ${set.version}\n`,
        );
        return 0;
      }
      case 'test':
        if (rest[0] === undefined) break;
        return runTests(rest[0], out, err) === 0 ? 0 : 1;
      case 'explain':
        return explain(rest, out, err);
      default:
        break;
    }
  } catch (e) {
    if (e instanceof PolicyLoadError) {
      err.write(`invalid policy:\n${e.message}\n`);
      return 1;
    }
    if (
      e instanceof WritError ||
      e instanceof TypeError ||
      (e instanceof Error && 'code' in e && e.code === 'ENOENT')
    ) {
      err.write(`writ policy: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  err.write(`writ policy: needs validate DIR, test DIR or explain ... (writ policy --help)\n`);
  return 2;
}
