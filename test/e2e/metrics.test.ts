/**
 * /metrics after real gRPC calls: the decisions writ answered are counted by role, decision and code, the
 * rules and findings behind them, their duration histogram, the policy and audit state, and prom-client's
 * process metrics; the scrape is parsed as the Prometheus text format (each family's TYPE before its
 * samples, label values unescaped, histogram buckets cumulative and ending at +Inf = _count).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, structField, wireTrace, type CheckClient } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Scrape {
  types: Map<string, string>;
  samples: Sample[];
}

/** Parses the Prometheus text format 0.0.4; throws on any line it cannot read, so a malformed scrape fails. */
function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      if (types.has(type[1]!)) throw new Error(`TYPE twice for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( \d+)?$/.exec(line);
    if (!m) throw new Error(`unreadable exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    let consumed = 0;
    for (let l = re.exec(body); l !== null; l = re.exec(body)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = re.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`unreadable labels: ${JSON.stringify(line)}`);
    // Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes "Nan").
    const raw = m[4]!;
    const lower = raw.toLowerCase();
    const value =
      lower === '+inf' || lower === 'inf'
        ? Infinity
        : lower === '-inf'
          ? -Infinity
          : lower === 'nan'
            ? NaN
            : Number(raw);
    if (Number.isNaN(value) && lower !== 'nan') throw new Error(`unreadable value: ${JSON.stringify(line)}`);
    const family = [...types.keys()].find(
      (f) => m[1] === f || new RegExp(`^${f}_(bucket|sum|count|total|created)$`).test(m[1]!),
    );
    if (family === undefined) throw new Error(`sample before its TYPE: ${m[1]}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples };
}

const pick = (s: Scrape, name: string, labels: Record<string, string> = {}) =>
  s.samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
const one = (s: Scrape, name: string, labels: Record<string, string> = {}) => {
  const found = pick(s, name, labels);
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0]!.value;
};

const home = mkdtempSync(join(tmpdir(), 'writ-metrics-'));
let writ: WritInstance;
let check: CheckClient;
beforeAll(async () => {
  writ = await startWrit({
    config: resolveConfig({ home, 'admin-port': '0', 'inbound-port': '0' }, {}),
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
    admin: true,
  });
  check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
});
afterAll(async () => {
  check.close();
  await writ.close();
  rmSync(home, { recursive: true, force: true });
});

const scrape = async (): Promise<Scrape> => {
  const res = await fetch(`http://127.0.0.1:${writ.ports.admin}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
};

const CALLS: ScenarioRequest[] = [
  {
    mcp: {
      tool: 'query_db',
      arguments: { database: 'analytics-replica', query: 'SELECT 1; DROP TABLE orders' },
    },
  },
  { mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT id FROM orders' } } },
  { mcp: { tool: 'send_email', arguments: { to: 'someone@example.org', body: 'card 4111 1111 1111 1111' } } },
];

describe('/metrics after real gRPC calls', () => {
  it('counts each answered decision by role, decision and code, with its rules, findings and duration', async () => {
    const before = await scrape();
    const expected = new Map<string, number>();
    const rules = new Map<string, number>();
    for (let round = 0; round < 3; round++)
      for (const call of CALLS) {
        const res = await check.check(scenarioCheckRequest(call));
        const key = `${String(structField(res, 'writ_decision'))} ${String(structField(res, 'writ_code'))}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
        for (const r of wireTrace(res).rules) rules.set(r, (rules.get(r) ?? 0) + 1);
      }
    expect(expected.size).toBeGreaterThan(1);
    const after = await scrape();
    expect(after.types.get('writ_decisions_total')).toBe('counter');
    const delta = (s: string, labels: Record<string, string>) =>
      (pick(after, s, labels)[0]?.value ?? 0) - (pick(before, s, labels)[0]?.value ?? 0);
    for (const [key, n] of expected) {
      const [decision, code] = key.split(' ') as [string, string];
      expect(delta('writ_decisions_total', { role: 'check', decision, code }), key).toBe(n);
    }
    for (const [rule, n] of rules) expect(delta('writ_rule_matches_total', { rule }), rule).toBe(n);
    expect(
      pick(after, 'writ_findings_total').some(
        (x) => x.labels['inspector'] && x.labels['severity'] && x.value > 0,
      ),
    ).toBe(true);

    // The duration histogram: one observation per call, buckets cumulative up to +Inf = _count.
    expect(after.types.get('writ_decision_duration_seconds')).toBe('histogram');
    const calls = 3 * CALLS.length;
    expect(delta('writ_decision_duration_seconds_count', { role: 'check' })).toBe(calls);
    const buckets = pick(after, 'writ_decision_duration_seconds_bucket', { role: 'check' });
    expect(buckets.length).toBeGreaterThan(5);
    const les = buckets.map((b) => Number(b.labels['le'] === '+Inf' ? Infinity : b.labels['le']));
    expect(les).toEqual([...les].sort((a, b) => a - b));
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    expect(buckets.at(-1)!.labels['le']).toBe('+Inf');
    expect(buckets.at(-1)!.value).toBe(one(after, 'writ_decision_duration_seconds_count', { role: 'check' }));
    expect(one(after, 'writ_decision_duration_seconds_sum', { role: 'check' })).toBeGreaterThan(0);
  });

  it('shows the live policy, the audit and anchoring state one family per quantity, and the store', async () => {
    const s = await scrape();
    const info = pick(s, 'writ_policy_info');
    expect(info).toHaveLength(1);
    expect(info[0]!.value).toBe(1);
    expect(info[0]!.labels['version']).toMatch(/\S/);
    expect(one(s, 'writ_policy_rules')).toBeGreaterThan(10);
    expect(one(s, 'writ_policy_loads_total')).toBe(1);
    expect(one(s, 'writ_policy_reload_errors_total')).toBe(0);
    expect(one(s, 'writ_audit_anchor_consecutive_failures')).toBe(0);
    expect(one(s, 'writ_audit_anchor_backlog')).toBeGreaterThanOrEqual(0);
    expect(one(s, 'writ_audit_last_anchor_age_seconds')).toBe(-1); // no TSA configured
    expect(s.types.has('writ_audit_anchoring')).toBe(false); // the packed gauge of issue 18 is gone
    expect(one(s, 'writ_state_store_up')).toBe(1);
    expect(s.types.get('writ_signer_errors_total')).toBe('counter');
  });

  it('counts audit writes and fsyncs as the chain grows, and dates the last checkpoint', async () => {
    const before = await scrape();
    const records = writ.audit.head().seq;
    for (const call of CALLS) await check.check(scenarioCheckRequest(call));
    // One record per decision is written before the answer; the batched fsync follows within its interval.
    const grown = writ.audit.head().seq - records;
    expect(grown).toBeGreaterThanOrEqual(CALLS.length);
    await new Promise((r) => setTimeout(r, 200));
    const after = await scrape();
    const delta = (name: string) => one(after, name) - (pick(before, name)[0]?.value ?? 0);
    expect(after.types.get('writ_audit_appends_total')).toBe('counter');
    expect(delta('writ_audit_appends_total')).toBe(grown);
    expect(delta('writ_audit_append_bytes_total')).toBeGreaterThan(grown * 100);
    expect(one(after, 'writ_audit_append_failures_total')).toBe(0);
    expect(delta('writ_audit_fsyncs_total')).toBeGreaterThanOrEqual(1);
    expect(one(after, 'writ_audit_fsync_failures_total')).toBe(0);
    expect(one(after, 'writ_audit_fsync_seconds_total')).toBeGreaterThan(0);
    const fsyncAge = one(after, 'writ_audit_last_fsync_age_seconds');
    expect(fsyncAge).toBeGreaterThanOrEqual(0);
    expect(fsyncAge).toBeLessThan(5);
    // The records since the last checkpoint (one a minute or every 1000 records) are not signed yet.
    expect(one(after, 'writ_audit_unsigned_records')).toBeGreaterThanOrEqual(grown);
    expect(writ.audit.checkpoint()).not.toBeNull();
    const signed = await scrape();
    const age = one(signed, 'writ_audit_last_checkpoint_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5);
    expect(one(signed, 'writ_audit_unsigned_records')).toBe(0);
  });

  it("includes prom-client's default process metrics", async () => {
    const s = await scrape();
    expect(one(s, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(one(s, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(s.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(pick(s, 'nodejs_heap_size_total_bytes')[0]!.value).toBeGreaterThan(0);
  });

  it("names in the chart's alerts and dashboard only metrics writ exposes", async () => {
    const s = await scrape();
    const families = new Set(s.types.keys());
    for (const file of ['prometheusrule.yaml', 'grafana-dashboard.yaml']) {
      const text = readFileSync(
        join(import.meta.dirname, '..', '..', 'charts', 'writ', 'templates', file),
        'utf8',
      );
      const names = [...new Set(text.match(/\b(writ|process|nodejs)_[a-z0-9_]+/g) ?? [])];
      expect(names.length, file).toBeGreaterThan(4);
      for (const n of names) {
        const family = n.replace(/_(bucket|sum|count)$/, '');
        expect(families.has(family) || families.has(n), `${file}: ${n}`).toBe(true);
      }
    }
  });

  it('the parser refuses what is not the text format', () => {
    expect(() => parseExposition('# TYPE a counter\na{b="c} 1\n')).toThrow(/unreadable/);
    expect(() => parseExposition('x 1\n')).toThrow(/before its TYPE/);
  });
});
