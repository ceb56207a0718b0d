/** A writ with an enforcement policy, the admin API, ext_proc and an approver key, on loopback port 0. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, structField, type CheckClient } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import type { CheckResponse } from '../../src/extauthz/envoy-types.js';
import type { StateStore } from '../../src/state/store.js';

/**
 * The approver's API key in tests (alice, group security-oncall), one outside that group (bob, group
 * dba), and one named after the agent itself (self-approval).
 */
export const APPROVER_KEY = 'approver-key-0123456789abcdef';
export const OTHER_GROUP_KEY = 'dba-key-0123456789abcdef';
export const AGENT_KEY = 'agent-key-0123456789abcdef';

/** The enforcement policy every enforce test uses. */
export function enforcementPolicy(webhooks: readonly string[] = []): string {
  return `apiVersion: writ.dev/v1
kind: PolicySet
rules:
  - id: email-needs-approval
    effect: require_approval
    when: { action.tool: send_email }
    approval:
      approvers: [security-oncall]
      ttl: 10m
      webhooks: [${webhooks.map((w) => JSON.stringify(w)).join(', ')}]
  - id: ticket-needs-approval
    effect: require_approval
    when: { action.tool: create_ticket }
    approval: { ttl: 10m }
  - id: weather-capped
    effect: allow_with_obligations
    when: { action.tool: get_weather }
    obligations: { rate: { limit: 3, window: 1m } }
  - id: customers-masked
    effect: allow_with_obligations
    when: { action.tool: get_customer }
    obligations: { mask: [email, "$.customer.phone"], sandbox: gvisor-readonly }
  - id: honeypot
    effect: allow_with_obligations
    when: { action.tool: read_honeypot }
    obligations: { quarantine: true }
response_rules:
  - id: answers-pass
    description: the enforce tests govern requests; every answer passes (response rules are tested apart)
    effect: pass
`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely by tests
type ApiBody = any;

export interface EnforceWrit {
  readonly writ: WritInstance;
  readonly home: string;
  readonly check: CheckClient;
  readonly verify: CheckClient;
  readonly clock: { now: number };
  readonly adminUrl: string;
  /** Calls the admin API with an optional bearer credential. */
  api(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
  ): Promise<{ status: number; body: ApiBody }>;
  stop(): Promise<void>;
}

/** Starts writ with the enforcement policy. */
export async function startEnforceWrit(
  opts: { flags?: Record<string, string>; webhooks?: string[]; startAt?: number; store?: StateStore } = {},
): Promise<EnforceWrit> {
  const home = mkdtempSync(join(tmpdir(), 'writ-enforce-'));
  const policyDir = join(home, 'policies');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'policy.yaml'), enforcementPolicy(opts.webhooks));
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const keys = join(home, 'approvers.txt');
  writeFileSync(
    keys,
    `# test approvers\nalice ${sha(APPROVER_KEY)} security-oncall\nbob ${sha(OTHER_GROUP_KEY)} dba\n` +
      `support-assistant ${sha(AGENT_KEY)} security-oncall\n`,
  );
  const clock = { now: opts.startAt ?? Date.UTC(2026, 0, 5, 10, 0, 0) };
  const config = resolveConfig(
    { home, 'policy-dir': policyDir, 'admin-port': '0', 'approver-keys-file': keys, ...opts.flags },
    {},
  );
  const writ = await startWrit({
    config,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    listeners: [
      { role: 'check', host: '127.0.0.1', port: 0 },
      { role: 'verify', host: '127.0.0.1', port: 0 },
    ],
    extproc: { host: '127.0.0.1', port: 0 },
    admin: true,
    webhookRetry: { baseDelayMs: 5, maxAttempts: 4 },
    ...(opts.store === undefined ? {} : { store: opts.store }),
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const verify = connectCheckClient(`127.0.0.1:${writ.ports.verify}`);
  const adminUrl = `http://127.0.0.1:${writ.ports.admin}`;
  return {
    writ,
    home,
    check,
    verify,
    clock,
    adminUrl,
    async api(method, path, body, key = APPROVER_KEY) {
      const res = await fetch(`${adminUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      check.close();
      verify.close();
      await writ.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The MCP call for a tool and its arguments. */
export const mcp = (tool: string, args: unknown, extra: Partial<ScenarioRequest> = {}): ScenarioRequest => ({
  mcp: { tool, arguments: args },
  ...extra,
});

/** Decision, code and deny body of a Check answer. */
export function outcomeOf(res: CheckResponse): {
  decision: string;
  code: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the deny body is JSON, read loosely by tests
  body: any;
  http: number | null;
} {
  return {
    decision: String(structField(res, 'writ_decision')),
    code: String(structField(res, 'writ_code')),
    body: res.denied_response === undefined ? null : JSON.parse(res.denied_response.body),
    http: res.denied_response?.status.code ?? null,
  };
}

/** Sends one check for a scenario request. */
export async function checkOnce(
  t: { check: CheckClient },
  r: ScenarioRequest,
  headers: Record<string, string> = {},
) {
  const res = await t.check.check(scenarioCheckRequest(r, headers));
  return { res, ...outcomeOf(res) };
}
