/** The server requests half of the state store conformance suite: every backend (memory, Redis) passes it. */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { MAX_SERVER_REQUESTS } from '../../src/state/server-requests.js';
import { rpcIdKey, type StateStore } from '../../src/state/store.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MINUTE = 60_000;
/** A session key no other test (or earlier run against the same Redis) has used. */
const freshSession = () => `mcp:shop.svc:8443/${randomBytes(9).toString('base64url')}`;

/** Runs the server request cases inside a store's conformance suite (called by storeConformance). */
export function serverRequestConformance(make: () => Promise<StateStore>): void {
  it('server requests: an answer takes its request once, by id and id type; other sessions stay unknown', async () => {
    const s = await make();
    const session = freshSession();
    expect(await s.takeServerRequest(session, rpcIdKey(1), T0)).toEqual({ session: 'unknown' });
    await s.recordServerRequest(session, rpcIdKey(1), 'roots/list', MINUTE, T0);
    await s.recordServerRequest(session, rpcIdKey('1'), 'sampling/createMessage', MINUTE, T0);
    expect(await s.takeServerRequest(freshSession(), rpcIdKey(1), T0 + 1)).toEqual({ session: 'unknown' });
    expect(await s.takeServerRequest(session, rpcIdKey('1'), T0 + 1)).toEqual({
      session: 'known',
      method: 'sampling/createMessage',
    });
    expect(await s.takeServerRequest(session, rpcIdKey(1), T0 + 2)).toEqual({
      session: 'known',
      method: 'roots/list',
    });
    // Single use: the same answer again matches nothing, and the session is still known.
    expect(await s.takeServerRequest(session, rpcIdKey(1), T0 + 3)).toEqual({
      session: 'known',
      method: null,
    });
    expect(await s.takeServerRequest(session, rpcIdKey(7), T0 + 3)).toEqual({
      session: 'known',
      method: null,
    });
    await s.close();
  });

  it('server requests: a lapsed request matches nothing; a session lapses with its newest request', async () => {
    const s = await make();
    const session = freshSession();
    await s.recordServerRequest(session, rpcIdKey('a'), 'ping', MINUTE, T0);
    await s.recordServerRequest(session, rpcIdKey('b'), 'elicitation/create', 10 * MINUTE, T0);
    expect(await s.takeServerRequest(session, rpcIdKey('a'), T0 + 2 * MINUTE)).toEqual({
      session: 'known',
      method: null,
    });
    expect(await s.takeServerRequest(session, rpcIdKey('zz'), T0 + 11 * MINUTE)).toEqual({
      session: 'unknown',
    });
    await s.close();
  });

  it('roots: the last declared list per session, null when none or lapsed', async () => {
    const s = await make();
    const session = freshSession();
    expect(await s.rootsOf(session, T0)).toBeNull();
    await s.recordRoots(session, ['file:///a', 'file:///b'], MINUTE, T0);
    await s.recordRoots(session, ['file:///c'], MINUTE, T0);
    expect(await s.rootsOf(session, T0 + 1)).toEqual(['file:///c']);
    expect(await s.rootsOf(freshSession(), T0 + 1)).toBeNull();
    await s.close();
  });

  it(`server requests: a session holds at most ${MAX_SERVER_REQUESTS} unanswered; lapsed ones make room`, async () => {
    const s = await make();
    const session = freshSession();
    for (let i = 0; i < MAX_SERVER_REQUESTS; i++)
      await s.recordServerRequest(session, rpcIdKey(i), 'ping', MINUTE, T0);
    await expect(s.recordServerRequest(session, rpcIdKey('over'), 'ping', MINUTE, T0)).rejects.toThrow();
    // Once the first ones lapsed, a later request (with a longer wait) is recorded.
    await s.recordServerRequest(session, rpcIdKey('later'), 'ping', 10 * MINUTE, T0 + 2 * MINUTE);
    expect(await s.takeServerRequest(session, rpcIdKey('later'), T0 + 3 * MINUTE)).toEqual({
      session: 'known',
      method: 'ping',
    });
    await expect(s.recordServerRequest(session, 'x'.repeat(300), 'ping', MINUTE, T0)).rejects.toThrow();
    await s.close();
  });
}
