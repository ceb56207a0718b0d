/** Properties of the binding: canonical encoding ignores key order, and any change to a bound field breaks the token. */
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { staticKeySet, signerFromPrivateKey } from '../../src/keys/local-key.js';
import {
  actionHash,
  bindAction,
  bodySha256,
  boundParts,
  canonicalActionJson,
} from '../../src/pipeline/bind/canonical-action.js';
import { TokenCodec } from '../../src/pipeline/bind/execution-token.js';
import type { RawRequest } from '../../src/pipeline/model/raw-request.js';
import { WritError } from '../../src/pipeline/errors.js';
import { parseMcpEndpoints } from '../../src/pipeline/normalize/mcp-endpoint.js';
import { normalizeRequest } from '../../src/pipeline/normalize/index.js';
import { rawRequest, toolCallBody } from '../support/raw-request.js';

/** Mints and verifies as a pipeline does (its own codec: token id pool, per-key header memos). */
const tokens = new TokenCodec();

const canonicalize = createRequire(import.meta.url)('canonicalize') as (v: unknown) => string;
const cfg = {
  internalDomains: ['*.svc.cluster.local'],
  productionDatabases: ['production'],
  trustAgentHeaders: false,
  // Any host and port: the port test below compares hashes of one endpoint's calls on several ports.
  mcpEndpoints: parseMcpEndpoints(['*:*/mcp']),
};
const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
const keys = staticKeySet([signer.publicKey]);
const NOW = 1_767_600_000_000;

function mcpRaw(args: Record<string, unknown>, tool = 'query_db', order: 'asc' | 'desc' = 'asc'): RawRequest {
  const entries = Object.entries(args).sort(([a], [b]) =>
    order === 'asc' ? a.localeCompare(b) : b.localeCompare(a),
  );
  return rawRequest({
    body: toolCallBody(tool, JSON.stringify(Object.fromEntries(entries))),
    receivedAtMs: NOW,
  });
}

const partsOf = (raw: RawRequest) => boundParts(raw, { subject: raw.sourcePrincipal });
const hashOf = (raw: RawRequest) => actionHash(raw, normalizeRequest(raw, cfg), partsOf(raw));
const jsonOf = (raw: RawRequest) => canonicalActionJson(raw, normalizeRequest(raw, cfg), partsOf(raw));
const args = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean()),
  { minKeys: 1, maxKeys: 6 },
);

describe('canonical action', () => {
  it('is deterministic and its JSON re-canonicalizes to itself', () => {
    fc.assert(
      fc.property(args, (a) => {
        const raw = mcpRaw(a);
        const text = jsonOf(raw);
        expect(jsonOf(raw)).toBe(text);
        expect(canonicalize(JSON.parse(text))).toBe(text); // JCS is idempotent
      }),
    );
  });

  it('the mcp part does not depend on argument key order, but the bytes do', () => {
    fc.assert(
      fc.property(args, (a) => {
        fc.pre(Object.keys(a).length > 1);
        const asc = mcpRaw(a, 'query_db', 'asc');
        const desc = mcpRaw(a, 'query_db', 'desc');
        fc.pre(Buffer.compare(Buffer.from(asc.body), Buffer.from(desc.body)) !== 0); // integer-like keys keep one order in JS
        const ea = JSON.parse(jsonOf(asc));
        const ed = JSON.parse(jsonOf(desc));
        expect(ea.mcp).toEqual(ed.mcp);
        // The exact bytes are bound too: a re-serialized body is a different request to the tool.
        expect(ea.body_sha256).not.toBe(ed.body_sha256);
      }),
    );
  });

  it('any one-byte change of the body, or a change of method, path or host, fails verification', async () => {
    await fc.assert(
      fc.asyncProperty(args, fc.nat(), fc.integer({ min: 1, max: 255 }), async (a, pos, delta) => {
        const raw = mcpRaw(a);
        const { token } = await tokens.mint(signer, {
          subject: 's',
          audience: 'mcp.tools.svc.cluster.local',
          actionHash: hashOf(raw),
          bound: partsOf(raw),
          traceId: 't',
          policyVersion: 'v',
          nowMs: NOW,
        });
        const expectOk = tokens.verify(token, keys, {
          actionHash: hashOf(raw),
          bound: partsOf(raw),
          audience: 'mcp.tools.svc.cluster.local',
          nowMs: NOW,
        });
        expect(expectOk.ok).toBe(true);
        const body = Buffer.from(raw.body);
        const i = pos % body.length;
        body[i] = (body[i]! + delta) % 256;
        let changedHash: string;
        try {
          changedHash = hashOf({ ...raw, body });
        } catch {
          return; // the changed body no longer parses: the verify role denies it before the token matters
        }
        const r = tokens.verify(token, keys, {
          actionHash: changedHash,
          bound: partsOf(raw),
          audience: 'mcp.tools.svc.cluster.local',
          nowMs: NOW,
        });
        expect(r).toMatchObject({ ok: false, code: 'ERR_TOKEN_ACTION_MISMATCH' });
        for (const changed of [
          { ...raw, method: 'PUT' },
          { ...raw, path: '/mcp/' },
          { ...raw, authority: 'mcp2.tools.svc.cluster.local' },
        ]) {
          // Refused before any hash (a JSON-RPC body on a PUT, or off the endpoint) or hashed differently.
          let changedAction: string;
          try {
            changedAction = hashOf(changed);
          } catch (err) {
            expect(err).toBeInstanceOf(WritError);
            continue;
          }
          expect(changedAction).not.toBe(hashOf(raw));
        }
      }),
    );
  });

  it('default ports and host case do not change the hash; other ports do', () => {
    const raw = mcpRaw({ a: 1 });
    expect(hashOf({ ...raw, authority: 'MCP.tools.svc.cluster.local:443' })).toBe(hashOf(raw));
    expect(hashOf({ ...raw, authority: 'mcp.tools.svc.cluster.local:8443' })).not.toBe(hashOf(raw));
  });
});

describe('bindAction', () => {
  it('binds as boundParts and actionHash do, taking the body digest the audit record carries', () => {
    fc.assert(
      fc.property(args, fc.constantFrom('', 'spiffe://cluster.local/ns/a/sa/b'), (a, subject) => {
        const raw = mcpRaw(a);
        const action = normalizeRequest(raw, cfg);
        const binding = bindAction(raw, action, { subject });
        const parts = boundParts(raw, { subject });
        expect(binding.parts).toEqual(parts);
        expect(binding.hash).toBe(actionHash(raw, action, parts));
        expect(binding.bodySha256).toBe(bodySha256(raw));
        expect(JSON.parse(canonicalActionJson(raw, action, parts)).body_sha256).toBe(binding.bodySha256);
      }),
    );
  });
});

describe('token codec', () => {
  it('hands out fresh 128-bit token ids per codec, past a pool refill, never one another codec gave', async () => {
    // Each pipeline owns its codec: two in one process must still never repeat a jti (docs/canonical-action.md).
    const mint = async (codec: TokenCodec) =>
      (
        await codec.mint(signer, {
          subject: 's',
          audience: 'a',
          actionHash: 'h',
          bound: partsOf(mcpRaw({ q: 1 })),
          traceId: 't',
          policyVersion: 'v',
          nowMs: NOW,
        })
      ).claims.jti;
    const other = new TokenCodec();
    const ids = await Promise.all(Array.from({ length: 600 }, (_, i) => mint(i % 2 === 0 ? tokens : other)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });
});
