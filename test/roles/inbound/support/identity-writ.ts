/** A real writ with all three roles on loopback (port 0), its JWT issuer a loopback IdP, and token minting. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startWrit, type WritInstance } from '../../../../src/app.js';
import { connectCheckClient, type CheckClient } from '../../../../src/cli/check-client.js';
import type { ScenarioHop, ScenarioRequest, ScenarioToken } from '../../../../src/cli/scenario.js';
import { resolveConfig } from '../../../../src/config.js';
import { generateApiKey } from '../../../../src/identity/api-keys.js';
import {
  makeKey,
  mint,
  NOW,
  NOW_S,
  startIdp,
  type Idp,
  type SigningKey,
} from '../../../identity/support/idp.js';

export const AUDIENCE = 'writ';
export const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

export interface IdentityWrit {
  readonly writ: WritInstance;
  readonly idp: Idp;
  /** The key tokens are signed with; tests may swap it to rotate. */
  key: SigningKey;
  readonly check: CheckClient;
  readonly inbound: CheckClient;
  readonly auditFile: string;
  /** An API key accepted as a session or `x-writ-api-key`, for subject `svc:batch`. */
  readonly apiKey: string;
  /** Mints a JWT of the test issuer for `sub`, valid at the writ clock unless `extra.exp` says otherwise. */
  token(t: ScenarioToken, extra?: Record<string, unknown>): Promise<string>;
  /** Mints an `x-writ-delegation-chain` header value, origin first. */
  chain(hops: readonly ScenarioHop[]): Promise<string>;
  /** The headers a scenario request's `delegation`, `session` and `bearer` become. */
  headersFor(r: ScenarioRequest): Promise<Record<string, string>>;
  /** The audit decision event with this trace id. */
  auditEvent(traceId: string): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface IdentityWritOptions {
  /** Extra flags (e.g. `xfcc-trusted-proxy`). */
  readonly flags?: Record<string, string>;
  /** Extra policy files (copied beside policies/default.yaml). */
  readonly extraPolicies?: readonly string[];
}

/** Starts the IdP and writ; the writ clock is the IdP's NOW so minted tokens are fresh. */
export async function startIdentityWrit(opts: IdentityWritOptions = {}): Promise<IdentityWrit> {
  const home = mkdtempSync(join(tmpdir(), 'writ-identity-'));
  const idp = await startIdp([await makeKey('ES256', 'k1')]);
  const issuersFile = join(home, 'issuers.yaml');
  writeFileSync(
    issuersFile,
    `- issuer: ${idp.issuer}\n  audience: ${AUDIENCE}\n  jwks_uri: ${idp.jwksUri}\n  algorithms: [ES256]\n`,
  );
  const { key: apiKey, sha256 } = generateApiKey();
  const apiKeysFile = join(home, 'api-keys.json');
  writeFileSync(
    apiKeysFile,
    JSON.stringify({ keys: [{ id: 'batch-1', subject: 'svc:batch', scopes: ['read.orders'], sha256 }] }),
  );
  const policyDir = join(home, 'policies');
  mkdirSync(policyDir);
  copyFileSync(join(ROOT, 'policies', 'default.yaml'), join(policyDir, 'default.yaml'));
  for (const p of opts.extraPolicies ?? []) copyFileSync(p, join(policyDir, p.split('/').pop()!));
  const config = resolveConfig(
    {
      home,
      'admin-port': '0',
      'policy-dir': policyDir,
      'jwt-issuers-file': issuersFile,
      'api-keys-file': apiKeysFile,
      // No refresh cooldown: a token with a new kid makes writ refetch the JWKS at once (rotation tests),
      // set the way an operator would.
      'jwks-cooldown-s': '0',
      ...opts.flags,
    },
    {},
  );
  const writ = await startWrit({
    config,
    now: () => NOW.getTime(),
    logger: pino({ level: 'silent' }),
    listeners: [
      { role: 'check', host: '127.0.0.1', port: 0 },
      { role: 'verify', host: '127.0.0.1', port: 0 },
      { role: 'inbound', host: '127.0.0.1', port: 0 },
    ],
    admin: false,
  });
  const check = connectCheckClient(`127.0.0.1:${writ.ports.check}`);
  const inbound = connectCheckClient(`127.0.0.1:${writ.ports.inbound}`);
  const self: IdentityWrit = {
    writ,
    idp,
    key: idp.published[0]!,
    check,
    inbound,
    auditFile: config.auditFile,
    apiKey,
    token: (t, extra = {}) =>
      mint(self.key, {
        issuer: idp.issuer,
        audience: AUDIENCE,
        sub: t.sub,
        exp: typeof extra['exp'] === 'number' ? extra['exp'] : NOW_S + 600,
        claims: { ...(t.scope === undefined ? {} : { scope: t.scope }), ...extra },
      }),
    async chain(hops) {
      const tokens = await Promise.all(hops.map((h) => self.token(h, { act: { sub: h.act } })));
      return tokens.join(',');
    },
    async headersFor(r) {
      const out: Record<string, string> = {};
      if (r.delegation !== undefined) out['x-writ-delegation-chain'] = await self.chain(r.delegation);
      if (r.session !== undefined) out['x-writ-session-token'] = await self.token(r.session);
      if (r.bearer !== undefined) out['authorization'] = `Bearer ${await self.token(r.bearer)}`;
      return out;
    },
    auditEvent(traceId) {
      const lines = readFileSync(config.auditFile, 'utf8').trim().split('\n');
      const rec = lines
        .map((l) => JSON.parse(l) as { event: Record<string, unknown> })
        .find((r) => r.event['trace_id'] === traceId);
      if (rec === undefined) throw new Error(`no audit record for ${traceId}`);
      return rec.event;
    },
    async stop() {
      check.close();
      inbound.close();
      await writ.close();
      await idp.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return self;
}
