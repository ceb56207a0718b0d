/**
 * Whose token an MCP call carries (MCP authorization 2025-06-18, RFC 8707): real JWTs signed with jose,
 * read from the `Authorization: Bearer` header against the server the call is sent to; over real gRPC with
 * the default pack, a token issued for another server is refused with ERR_MCP_TOKEN_AUDIENCE (token
 * passthrough), its own server's token and one whose audience names no server pass, and a pack that sets
 * `settings.mcp_token_audience: off` leaves the call to its rules.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWrit, type WritInstance } from '../../src/app.js';
import { connectCheckClient, type CheckClient } from '../../src/cli/check-client.js';
import { scenarioCheckRequest, type ScenarioRequest } from '../../src/cli/scenario.js';
import { resolveConfig } from '../../src/config.js';
import { mcpTokenAudience, tokenAudiences } from '../../src/pipeline/identity/mcp-token-audience.js';
import { outcomeOf } from '../enforce/support.js';
import { scenarioAction } from '../support/scenario-action.js';
import { makeKey, mint, type SigningKey } from './support/idp.js';

const SERVER = 'mcp.tools.svc.cluster.local';
const LIST_TOOLS: ScenarioRequest = {
  method: 'POST',
  authority: SERVER,
  path: '/mcp',
  json: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
};
const POLICIES = join(import.meta.dirname, '..', '..', 'policies');

let key: SigningKey;
/** A bearer header for a JWT signed by a real key, with these claims (`aud` and `resource` as given). */
async function bearer(claims: Record<string, unknown>): Promise<string> {
  return `Bearer ${await mint(key, { issuer: 'https://idp.acme.test', claims })}`;
}

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
});

function actionOf(request: ScenarioRequest, authorization: string) {
  const { action, raw } = scenarioAction(request, { authorization });
  return { action, authorization: raw.headers['authorization'] ?? null };
}

describe('the audience of an MCP call bearer token, judged against the server it is sent to', () => {
  it.each([
    ['its canonical URI', 'this-server', { aud: `https://${SERVER}/mcp` }],
    ['its origin (a URI above the endpoint)', 'this-server', { aud: `https://${SERVER}` }],
    ['its host, among other audiences', 'this-server', { aud: ['billing.acme.com', SERVER] }],
    [
      'an RFC 8707 resource claim beside a bare-word aud',
      'this-server',
      { aud: 'writ', resource: `https://${SERVER}/mcp` },
    ],
    ['another MCP server', 'other', { aud: 'https://crm.tools.svc.cluster.local/mcp' }],
    ['another endpoint on the same host', 'other', { aud: `https://${SERVER}/admin-mcp` }],
    ['a path that climbs out of the endpoint', 'other', { aud: `https://${SERVER}/mcp/../admin` }],
    ['a prefix that is not a whole segment', 'other', { aud: `https://${SERVER}/mc` }],
    ['the same host on another port', 'other', { aud: `https://${SERVER}:8443/mcp` }],
    ['the same host over another scheme', 'other', { aud: `http://${SERVER}/mcp` }],
    ['a URI with a fragment', 'other', { aud: `https://${SERVER}/mcp#x` }],
    ['only bare words', 'unknown', { aud: ['writ', 'account'] }],
    ['no audience at all', 'unknown', {}],
  ] as const)('a token for %s is %s', async (_what, expected, claims) => {
    const { action, authorization } = actionOf(LIST_TOOLS, await bearer(claims));
    expect(mcpTokenAudience(action, authorization)).toBe(expected);
  });

  it('says nothing of a call that is not MCP, or that carries no bearer JWT', async () => {
    const github = actionOf(
      { method: 'GET', authority: 'api.github.com', path: '/repos/acme/app' },
      await bearer({ aud: 'https://crm.tools.svc.cluster.local/mcp' }),
    );
    expect(mcpTokenAudience(github.action, github.authorization)).toBeNull();
    const opaque = actionOf(LIST_TOOLS, 'Bearer 3f9c1a2b7d');
    expect(mcpTokenAudience(opaque.action, opaque.authorization)).toBeNull();
  });

  it('lists every audience once, from aud and resource', async () => {
    const header = await bearer({
      aud: ['a.example', 'b.example'],
      resource: ['b.example', 'https://c.example/mcp'],
    });
    expect(tokenAudiences(header)).toEqual(['a.example', 'b.example', 'https://c.example/mcp']);
  });
});

interface Running {
  readonly writ: WritInstance;
  readonly check: CheckClient;
  readonly home: string;
}

async function start(policyDir: string, home: string): Promise<Running> {
  const config = resolveConfig({ home, 'policy-dir': policyDir }, {});
  const writ = await startWrit({
    config,
    now: () => Date.UTC(2026, 0, 5, 10, 0, 0),
    logger: pino({ level: 'silent' }),
    listeners: [{ role: 'check', host: '127.0.0.1', port: 0 }],
  });
  return { writ, check: connectCheckClient(`127.0.0.1:${writ.ports.check}`), home };
}

async function decide(t: Running, authorization: string) {
  return outcomeOf(await t.check.check(scenarioCheckRequest(LIST_TOOLS, { authorization })));
}

describe('token passthrough over real gRPC (default pack)', () => {
  let t: Running;
  beforeAll(async () => {
    t = await start(POLICIES, mkdtempSync(join(tmpdir(), 'writ-mcp-aud-')));
  });
  afterAll(async () => {
    t.check.close();
    await t.writ.close();
    rmSync(t.home, { recursive: true, force: true });
  });

  it('refuses a token issued for another MCP server with its own code, naming both', async () => {
    const r = await decide(t, await bearer({ aud: 'https://crm.tools.svc.cluster.local/mcp' }));
    expect(r).toMatchObject({ decision: 'DENY', code: 'ERR_MCP_TOKEN_AUDIENCE', http: 403 });
    expect(r.body.message).toContain('https://crm.tools.svc.cluster.local/mcp');
    expect(r.body.message).toContain(`https://${SERVER}/mcp`);
    // Another server on the same host: the host-level rule (credential-for-other-host-denied) cannot see it.
    const sameHost = await decide(t, await bearer({ aud: `https://${SERVER}/admin-mcp` }));
    expect(sameHost).toMatchObject({ decision: 'DENY', code: 'ERR_MCP_TOKEN_AUDIENCE' });
  });

  it("passes the server's own token, and one whose audience names no server, to the pack's rules", async () => {
    expect(await decide(t, await bearer({ aud: `https://${SERVER}/mcp` }))).toMatchObject({
      decision: 'ALLOW',
    });
    expect(await decide(t, await bearer({ aud: 'writ' }))).toMatchObject({ decision: 'ALLOW' });
  });
});

describe('settings.mcp_token_audience: off', () => {
  let t: Running;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'writ-mcp-aud-off-'));
    const dir = join(home, 'policies');
    cpSync(POLICIES, dir, { recursive: true });
    const pack = join(dir, 'default.yaml');
    const text = readFileSync(pack, 'utf8');
    if (!text.includes('  mcp_token_audience: enforce\n')) throw new Error('the pack no longer sets it');
    writeFileSync(pack, text.replace('  mcp_token_audience: enforce\n', '  mcp_token_audience: off\n'));
    t = await start(dir, home);
  });
  afterAll(async () => {
    t.check.close();
    await t.writ.close();
    rmSync(t.home, { recursive: true, force: true });
  });

  it('leaves a token for another server to the rules: another host is still a rule deny, the same host passes', async () => {
    const otherHost = await decide(t, await bearer({ aud: 'https://crm.tools.svc.cluster.local/mcp' }));
    expect(otherHost).toMatchObject({ decision: 'DENY', code: 'POLICY_DENY' });
    expect(otherHost.body.rules).toContain('credential-for-other-host-denied');
    const sameHost = await decide(t, await bearer({ aud: `https://${SERVER}/admin-mcp` }));
    expect(sameHost.decision).toBe('ALLOW');
  });
});
