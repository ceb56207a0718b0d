/** Approver authentication: hashed API keys, and OIDC tokens verified against a real JWKS server on loopback. */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApproverAuth,
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
  const keys = parseApiKeyFile(`alice ${createHash('sha256').update('k-alice').digest('hex')}  # on call\n`);
  auth = createApproverAuth(keys, {
    issuer: ISS,
    audience: AUD,
    jwksUrl: `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`,
    roleClaim: 'roles',
    requiredRole: 'writ-approver',
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
        { id: 'key:support-assistant', names: ['support-assistant'], method: 'api-key' },
        subject,
        null,
      ),
    ).toBe(true);
    expect(isSelfApproval({ id: 'oidc:x', names: [subject], method: 'oidc' }, subject, 'bot')).toBe(true);
    expect(
      isSelfApproval({ id: 'key:alice', names: ['alice'], method: 'api-key' }, subject, 'support-assistant'),
    ).toBe(false);
  });
});
