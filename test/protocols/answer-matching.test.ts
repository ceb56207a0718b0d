/**
 * A client's JSON-RPC answers matched by id to the requests its MCP server sent in the same session
 * (issue 16 item 1), over real gRPC: the server's requests stream through the ext_proc role (an SSE event
 * stream, as Streamable HTTP's GET stream carries them), the client's answers go to the check role. Run
 * with the memory store and with the Redis store (127.0.0.1:6379), on the default policy pack.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGovernedWrit, type GovernedWrit } from './governed-writ.js';
import type { RecordedRequest, RecordedResponse } from './recording-relay.js';

const SERVER = 'shop.tools.svc.cluster.local';

/** The GET stream of an MCP session and what the server sent on it, one event per message. */
function serverStream(session: string, messages: readonly object[]) {
  const request: RecordedRequest = {
    method: 'GET',
    path: '/mcp',
    headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    body: Buffer.alloc(0),
  };
  const chunks = messages.map((m) => Buffer.from(`event: message\ndata: ${JSON.stringify(m)}\n\n`));
  const response: RecordedResponse = {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'mcp-session-id': session },
    chunks,
    body: Buffer.concat(chunks),
  };
  return { request, response };
}

/** The client's POST of one JSON-RPC answer in `session`. */
function answer(session: string, message: object): RecordedRequest {
  return {
    method: 'POST',
    path: '/mcp',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-06-18',
    },
    body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message })),
  };
}

const ROOTS = { roots: [{ uri: 'file:///home/alex/project', name: 'project' }] };

for (const backend of ['memory', 'redis'] as const) {
  describe(`answers matched by id to the server's requests (${backend} store)`, () => {
    let w: GovernedWrit;
    let home: string;
    let auditFile: string;
    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'writ-answers-'));
      auditFile = join(home, 'audit.jsonl');
      w = await startGovernedWrit({
        'audit-file': auditFile,
        'audit-fsync-ms': '0',
        ...(backend === 'redis'
          ? {
              'redis-url': 'redis://127.0.0.1:6379',
              'redis-prefix': `{writ-answers-${randomBytes(6).toString('hex')}}:`,
              // The test Redis keeps no data across restarts; this test restarts nothing.
              'allow-volatile-state': 'true',
            }
          : {}),
      });
    });
    afterAll(async () => {
      await w.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it('matches each answer once to the request it answers; an answer to nothing asked is refused and audited', async () => {
      const session = `s-${randomBytes(6).toString('hex')}`;
      const stream = serverStream(session, [
        { jsonrpc: '2.0', id: 0, method: 'roots/list' },
        {
          jsonrpc: '2.0',
          id: 'el-1',
          method: 'elicitation/create',
          params: {
            message: 'Which shipping address should the order use?',
            requestedSchema: { type: 'object', properties: { address: { type: 'string' } } },
          },
        },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
      ]);
      const streamed = await w.respond(stream.request, stream.response, SERVER);
      expect(streamed.withheld).toBeNull();

      const roots = await w.decide(answer(session, { id: 0, result: ROOTS }), SERVER);
      expect(roots).toMatchObject({ allowed: true, adapter: 'mcp' });
      const elicit = await w.decide(
        answer(session, { id: 'el-1', result: { action: 'accept', content: { address: '1 Main St' } } }),
        SERVER,
      );
      expect(elicit.allowed).toBe(true);
      // An error answers its request as a result does.
      const ping = await w.decide(
        answer(session, { id: 2, error: { code: -32601, message: 'not supported' } }),
        SERVER,
      );
      expect(ping.allowed).toBe(true);

      // Single use: the same answer again, an id the server never sent, and "0" for 0 are all refused.
      for (const again of [
        { id: 0, result: ROOTS },
        { id: 41, result: ROOTS },
        { id: '0', result: {} },
      ]) {
        const out = await w.decide(answer(session, again), SERVER);
        expect(out, JSON.stringify(again)).toMatchObject({
          allowed: false,
          decision: 'DENY',
          code: 'ERR_MCP_UNSOLICITED_RESPONSE',
        });
      }
      w.writ.audit.flush();
      const denied = readFileSync(auditFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('ERR_MCP_UNSOLICITED_RESPONSE'));
      expect(denied).toHaveLength(3);
    });

    it('judges a resource read against the roots the matched roots/list answer declared', async () => {
      const session = `s-${randomBytes(6).toString('hex')}`;
      const read = (uri: string) =>
        w.decide(answer(session, { id: 30, method: 'resources/read', params: { uri } }), SERVER);
      // No roots known yet: the read is decided as before.
      expect((await read('file:///home/alex/other/notes.md')).allowed).toBe(true);
      const stream = serverStream(session, [{ jsonrpc: '2.0', id: 'r-1', method: 'roots/list' }]);
      expect((await w.respond(stream.request, stream.response, SERVER)).withheld).toBeNull();
      expect((await w.decide(answer(session, { id: 'r-1', result: ROOTS }), SERVER)).allowed).toBe(true);
      expect((await read('file:///home/alex/project/src/main.rs')).allowed).toBe(true);
      expect(await read('file:///home/alex/other/notes.md')).toMatchObject({
        allowed: false,
        decision: 'REQUIRE_APPROVAL',
      });
    });

    it('keeps reading an answer by its shape where writ saw no server request in the session', async () => {
      const unknown = `s-${randomBytes(6).toString('hex')}`;
      const out = await w.decide(answer(unknown, { id: 7, result: ROOTS }), SERVER);
      expect(out).toMatchObject({ allowed: true, adapter: 'mcp' });
      // The same session on another server is another session.
      const session = `s-${randomBytes(6).toString('hex')}`;
      const stream = serverStream(session, [{ jsonrpc: '2.0', id: 5, method: 'roots/list' }]);
      expect((await w.respond(stream.request, stream.response, SERVER)).withheld).toBeNull();
      const elsewhere = await w.decide(
        answer(session, { id: 9, result: ROOTS }),
        'other.tools.svc.cluster.local',
      );
      expect(elsewhere.allowed).toBe(true);
      const here = await w.decide(answer(session, { id: 9, result: ROOTS }), SERVER);
      expect(here.code).toBe('ERR_MCP_UNSOLICITED_RESPONSE');
    });
  });
}
