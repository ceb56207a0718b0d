/**
 * `writ demo`: sends the seed scenarios over real gRPC (to a running server, or to one started in
 * process) and prints each decision's trace: requested, normalized, inspectors, policy, enforcement,
 * trace. Allowed calls then go through the verify role, and once more to show the replay deny.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit } from '../app.js';
import { PACKAGE_ROOT, resolveConfig } from '../config.js';
import type { CheckResponse } from '../extauthz/envoy-types.js';
import { connectCheckClient, responseHeader, structField, wireTrace } from './check-client.js';
import { loadScenarios, scenarioCheckRequest, scenarioBody, type Scenario } from './scenario.js';

export interface DemoOptions {
  /** host:port of a running check role; when absent, writ starts in process on free ports. */
  readonly check?: string;
  readonly verify?: string;
  readonly scenarios?: string;
}

function line(out: NodeJS.WritableStream, label: string, text: string) {
  out.write(`  ${label.padEnd(12)} ${text}\n`);
}

function describe(out: NodeJS.WritableStream, s: Scenario, res: CheckResponse) {
  const r = s.request;
  const body = scenarioBody(r);
  const method = r.method ?? (r.mcp !== undefined || body.length > 0 ? 'POST' : 'GET');
  line(
    out,
    'requested',
    `${method} https://${r.authority ?? 'mcp.tools.svc.cluster.local'}${r.path ?? (r.mcp ? '/mcp' : '/')} (${body.length} bytes)${r.mcp ? ` tool ${r.mcp.tool}` : ''}`,
  );
  const trace = wireTrace(res);
  const n = trace.normalized;
  line(
    out,
    'normalized',
    n === null
      ? '(not normalized)'
      : `adapter=${n.adapter} tool=${n.tool} operation=${n.operation} subject=${String(n.subject)}`,
  );
  line(
    out,
    'inspectors',
    trace.inspectors.length === 0
      ? '(no findings)'
      : trace.inspectors
          .map((f) => `${f.id}:${f.severity}${f.occurrences > 1 ? ` x${f.occurrences}` : ''}`)
          .join(', '),
  );
  line(
    out,
    'policy',
    `${String(structField(res, 'writ_decision'))} ${String(structField(res, 'writ_code'))} rules=[${trace.rules.join(', ')}] version=${String(structField(res, 'writ_policy_version'))}`,
  );
  if (res.ok_response !== undefined) {
    const token = responseHeader(res, 'x-writ-token') ?? '';
    line(
      out,
      'enforcement',
      `OK: x-writ-token ${token.slice(0, 24)}... (jti ${String(trace.enforcement.tokenId)})`,
    );
  } else {
    line(
      out,
      'enforcement',
      `DENIED: HTTP ${res.denied_response?.status.code ?? '?'} ${res.denied_response?.body ?? ''}`,
    );
  }
  const a = trace.audit;
  line(
    out,
    'trace',
    a === null
      ? '(not recorded)'
      : `seq ${a.seq} hash ${a.hash.slice(0, 16)}... prev ${a.prev.slice(0, 16)}...`,
  );
}

/** Runs the demo; returns the number of scenarios whose decision differed from the expected one. */
export async function runDemo(opts: DemoOptions, out: NodeJS.WritableStream): Promise<number> {
  const scenarios = loadScenarios(opts.scenarios ?? join(PACKAGE_ROOT, 'scenarios', 'seed'));
  let home: string | undefined;
  let instance: Awaited<ReturnType<typeof startWrit>> | undefined;
  let checkAddress = opts.check;
  let verifyAddress = opts.verify;
  if (checkAddress === undefined) {
    home = mkdtempSync(join(tmpdir(), 'writ-demo-'));
    instance = await startWrit({
      config: resolveConfig({ home, 'admin-port': '0' }),
      logger: pino({ level: 'silent' }),
      listeners: [
        { role: 'check', host: '127.0.0.1', port: 0 },
        { role: 'verify', host: '127.0.0.1', port: 0 },
      ],
    });
    checkAddress = `127.0.0.1:${instance.ports.check ?? 0}`;
    verifyAddress = `127.0.0.1:${instance.ports.verify ?? 0}`;
    out.write(
      `writ started in process (check ${checkAddress}, verify ${verifyAddress}, audit ${join(home, 'audit', 'audit.jsonl')})\n`,
    );
  }
  const check = connectCheckClient(checkAddress);
  const verify = verifyAddress === undefined ? undefined : connectCheckClient(verifyAddress);
  let mismatches = 0;
  try {
    for (const s of scenarios) {
      out.write(`\n== ${s.name}\n`);
      const res = await check.check(scenarioCheckRequest(s.request));
      describe(out, s, res);
      const decision = String(structField(res, 'writ_decision'));
      if (decision !== s.expect.decision) {
        mismatches++;
        out.write(`  !! expected ${s.expect.decision}, got ${decision}\n`);
      }
      const token = responseHeader(res, 'x-writ-token');
      if (token !== undefined && verify !== undefined) {
        const upstream = scenarioCheckRequest(s.request, { 'x-writ-token': token });
        const first = await verify.check(upstream);
        line(
          out,
          'verify',
          `${String(structField(first, 'writ_code'))} (upstream may execute; token stripped: ${String(first.ok_response?.headers_to_remove.includes('x-writ-token'))})`,
        );
        const replay = await verify.check(upstream);
        line(out, 'replay', `${String(structField(replay, 'writ_code'))}`);
      }
    }
  } finally {
    check.close();
    verify?.close();
    await instance?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  }
  out.write(`\n${scenarios.length - mismatches}/${scenarios.length} scenarios decided as expected\n`);
  return mismatches;
}
