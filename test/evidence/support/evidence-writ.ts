/**
 * The writ the evidence scenarios run against: the default policy pack, all three roles on loopback port 0,
 * a loopback JWT issuer for delegation and inbound sessions, the approval API, and one quarantine signal.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { startWrit, type WritInstance } from '../../../src/app.js';
import { connectCheckClient, type CheckClient } from '../../../src/cli/check-client.js';
import type { ScenarioRequest, ScenarioToken } from '../../../src/cli/scenario.js';
import { resolveConfig } from '../../../src/config.js';
import { createJwksCache } from '../../../src/identity/jwt-verifier.js';
import type { AuditEvent, DecisionEvent } from '../../../src/pipeline/audit-record/audit-event.js';
import { extProcClient, type ExtProcClient } from '../../roles/response/ext-proc-client.js';
import { makeKey, startIdp, type Idp, type SigningKey } from '../../identity/support/idp.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The audience writ is configured to accept for the test issuer. */
export const AUDIENCE = 'writ';
/** The approver's key for the approval API (only its SHA-256 is configured). */
export const APPROVER_KEY = 'evidence-approver-0123456789abcdef';
/**
 * SECURITY signal the evidence writ quarantines on (`--quarantine-on`): an agent caught sending a secret
 * outside the trust boundary is cut off for the rest of its session (scenarios ASI08/ASI10).
 */
/** The workload trusted to set x-writ-origin (`--origin-hops`): an agent runtime's own proxy, not the agent. */
export const ORIGIN_HOP = 'spiffe://cluster.local/ns/agent-runtime/sa/origin-proxy';
export const QUARANTINE_ON = 'exfiltration.secret-to-external';

export interface EvidenceWrit {
  readonly writ: WritInstance;
  readonly clock: { now: number };
  readonly check: CheckClient;
  readonly verify: CheckClient;
  readonly inbound: CheckClient;
  /** The ext_proc role (response path): real bidirectional gRPC streams, driven as Envoy drives them. */
  readonly extproc: ExtProcClient;
  readonly auditFile: string;
  readonly adminUrl: string;
  /** The headers a scenario request's `delegation`, `session` and `bearer` become, minted at the clock. */
  headersFor(r: ScenarioRequest): Promise<Record<string, string>>;
  /** The audit decision event with this trace id; throws when there is none. */
  auditEvent(traceId: string): DecisionEvent;
  /** Every event in the audit chain, in order. */
  auditEvents(): AuditEvent[];
  /** Calls the approval API as the configured approver. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/** Starts the issuer and writ; `startAt` is the initial clock (ms). */
export async function startEvidenceWrit(startAt = Date.UTC(2026, 0, 5, 10, 0, 0)): Promise<EvidenceWrit> {
  const home = mkdtempSync(join(tmpdir(), 'writ-evidence-'));
  const idp: Idp = await startIdp([await makeKey('ES256', 'k1')]);
  const key: SigningKey = idp.published[0]!;
  const issuersFile = join(home, 'issuers.yaml');
  writeFileSync(
    issuersFile,
    `- issuer: ${idp.issuer}\n  audience: ${AUDIENCE}\n  jwks_uri: ${idp.jwksUri}\n  algorithms: [ES256]\n`,
  );
  const approvers = join(home, 'approvers.txt');
  const sha = createHash('sha256').update(APPROVER_KEY).digest('hex');
  // The approver belongs to the group the default pack's approval rules name.
  writeFileSync(approvers, `oncall-alice ${sha} security-oncall\n`);
  const config = resolveConfig(
    {
      home,
      'admin-port': '0',
      'policy-dir': join(ROOT, 'policies'),
      'jwt-issuers-file': issuersFile,
      'approver-keys-file': approvers,
      'quarantine-on': QUARANTINE_ON,
      // The agent's sidecar names the session; the origin of the content driving a call counts only from
      // the configured origin hop (scenarios that set x-writ-origin arrive as that workload).
      'trust-agent-headers': 'true',
      'origin-hops': ORIGIN_HOP,
    },
    {},
  );
  const clock = { now: startAt };
  const writ = await startWrit({
    config,
    now: () => clock.now,
    logger: pino({ level: 'silent' }),
    listeners: [
      { role: 'check', host: '127.0.0.1', port: 0 },
      { role: 'verify', host: '127.0.0.1', port: 0 },
      { role: 'inbound', host: '127.0.0.1', port: 0 },
    ],
    admin: true,
    extproc: { host: '127.0.0.1', port: 0 },
    jwksCache: createJwksCache({ cooldownMs: 0 }),
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const verify = connectCheckClient(`127.0.0.1:${writ.ports.verify}`);
  const inbound = connectCheckClient(`127.0.0.1:${writ.ports.inbound}`);
  const extproc = extProcClient(writ.ports.extproc!);
  const adminUrl = `http://127.0.0.1:${writ.ports.admin}`;
  const mint = (t: ScenarioToken, extra: Record<string, unknown> = {}) => {
    const iat = Math.floor(clock.now / 1000);
    return new SignJWT({ ...(t.scope === undefined ? {} : { scope: t.scope }), ...extra })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setSubject(t.sub)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 600)
      .sign(key.privateKey);
  };
  return {
    writ,
    clock,
    check,
    verify,
    inbound,
    extproc,
    auditFile: config.auditFile,
    adminUrl,
    async headersFor(r) {
      const out: Record<string, string> = {};
      if (r.delegation !== undefined) {
        const hops = await Promise.all(r.delegation.map((h) => mint(h, { act: { sub: h.act } })));
        out['x-writ-delegation-chain'] = hops.join(',');
      }
      if (r.session !== undefined) out['x-writ-session-token'] = await mint(r.session);
      if (r.bearer !== undefined) out['authorization'] = `Bearer ${await mint(r.bearer)}`;
      return out;
    },
    auditEvent(traceId) {
      for (const line of readFileSync(config.auditFile, 'utf8').split('\n')) {
        if (line.length === 0) continue;
        const rec = JSON.parse(line) as { event: { type: string; trace_id?: string } };
        if (rec.event.type === 'decision' && rec.event.trace_id === traceId)
          return rec.event as DecisionEvent;
      }
      throw new Error(`no audit record for trace ${traceId}`);
    },
    auditEvents() {
      return readFileSync(config.auditFile, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { event: AuditEvent }).event);
    },
    async api(method, path, body) {
      const res = await fetch(`${adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${APPROVER_KEY}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      check.close();
      verify.close();
      inbound.close();
      extproc.close();
      await writ.close();
      await idp.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
