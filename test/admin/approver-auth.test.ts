/** Approver authentication: hashed API keys, and OIDC tokens verified against a real JWKS server on loopback. */
import { createHash } from 'node:crypto';

const sha256 = (k: string) => createHash('sha256').update(k).digest('hex');
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApproverAuth,
  inApproverGroups,
  isSelfApproval,
  parseApiKeyFile,
  type ApproverAuth,
} from '../../src/admin/approver-auth.js';

let jwksServer: Server;
let auth: ApproverAuth;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let priv: PrivateKey;
const ISS = 'https://idp.example';
const AUD = 'writ-console';

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  priv = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const keys = parseApiKeyFile(
    `alice ${sha256('k-alice')}  # on call\ncarol ${sha256('k-carol')} security-oncall,dba # with groups\n`,
  );
  auth = createApproverAuth(keys, {
    issuer: ISS,
    audience: AUD,
    jwksUrl: `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`,
    roleClaim: 'roles',
    requiredRole: 'writ-approver',
    groupsClaim: 'groups',
  });
});
afterAll(() => new Promise((r) => jwksServer.close(r)));

const token = (
  claims: Record<string, unknown>,
  opts: { aud?: string; key?: PrivateKey | Uint8Array; alg?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'ES256', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience(opts.aud ?? AUD)
    .setSubject('bob')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(opts.key ?? priv);

describe('approver auth', () => {
  it('accepts a hashed API key and refuses others', async () => {
    expect(await auth.authenticate('Bearer k-alice')).toMatchObject({
      ok: true,
      approver: { id: 'key:alice' },
    });
    expect((await auth.authenticate('Bearer k-bob')).ok).toBe(false);
    expect((await auth.authenticate(undefined)).ok).toBe(false);
    expect(() => parseApiKeyFile('alice not-a-hash')).toThrow(/approver keys:1/);
  });

  it('accepts an OIDC token with the role, and refuses a missing role, a wrong audience and HS256', async () => {
    expect(await auth.authenticate(`Bearer ${await token({ roles: ['writ-approver'] })}`)).toMatchObject({
      ok: true,
      approver: { id: 'oidc:bob', method: 'oidc' },
    });
    expect(await auth.authenticate(`Bearer ${await token({ roles: ['viewer'] })}`)).toMatchObject({
      ok: false,
    });
    expect(
      (await auth.authenticate(`Bearer ${await token({ roles: ['writ-approver'] }, { aud: 'other' })}`)).ok,
    ).toBe(false);
    const hs = await token(
      { roles: ['writ-approver'] },
      { alg: 'HS256', key: new TextEncoder().encode('x'.repeat(32)) },
    );
    expect((await auth.authenticate(`Bearer ${hs}`)).ok).toBe(false);
  });

  it('recognizes an agent approving its own action', () => {
    const subject = 'spiffe://cluster.local/ns/agents/sa/support-assistant';
    expect(
      isSelfApproval(
        { id: 'key:support-assistant', names: ['support-assistant'], method: 'api-key', groups: [] },
        subject,
        null,
      ),
    ).toBe(true);
    expect(
      isSelfApproval({ id: 'oidc:x', names: [subject], method: 'oidc', groups: [] }, subject, 'bot'),
    ).toBe(true);
    expect(
      isSelfApproval(
        { id: 'key:alice', names: ['alice'], method: 'api-key', groups: [] },
        subject,
        'support-assistant',
      ),
    ).toBe(false);
  });

  it('reads approver groups from the key file and from the groups claim, and matches them', async () => {
    const carol = await auth.authenticate('Bearer k-carol');
    expect(carol).toMatchObject({
      ok: true,
      approver: { id: 'key:carol', groups: ['security-oncall', 'dba'] },
    });
    const alice = await auth.authenticate('Bearer k-alice');
    expect(alice).toMatchObject({ ok: true, approver: { groups: [] } });
    const oidc = await auth.authenticate(
      `Bearer ${await token({ roles: ['writ-approver'], groups: 'security-oncall  finance' })}`,
    );
    expect(oidc).toMatchObject({ ok: true, approver: { groups: ['security-oncall', 'finance'] } });
    // The role claim is not the groups claim here: a role never counts as a group.
    const roleOnly = await auth.authenticate(
      `Bearer ${await token({ roles: ['writ-approver', 'security-oncall'] })}`,
    );
    expect(roleOnly).toMatchObject({ ok: true, approver: { groups: [] } });
    if (!carol.ok || !alice.ok || !oidc.ok) throw new Error('unreachable');
    expect(inApproverGroups(carol.approver, ['security-oncall'])).toBe(true);
    expect(inApproverGroups(alice.approver, ['security-oncall'])).toBe(false);
    expect(inApproverGroups(alice.approver, [])).toBe(true);
    expect(inApproverGroups(oidc.approver, ['dba', 'finance'])).toBe(true);
    expect(inApproverGroups(oidc.approver, ['dba'])).toBe(false);
    expect(() => parseApiKeyFile(`dave ${sha256('k')} bad group`)).toThrow(/group,group/);
  });
});
