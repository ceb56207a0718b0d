/**
 * Redis command reading against the real Redis at 127.0.0.1:6379 as the oracle: the generated table is the
 * running server's own COMMAND reply, every command it marks read-only is read as a read, every command it
 * marks as a write is never read as a read, and each command writ calls a delete is one Redis marks `write`
 * (or a flush of the script cache).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_DELETES, redisCommandClass } from '../../src/pipeline/normalize/adapters/databases.js';
import {
  REDIS_COMMANDS,
  REDIS_VERSION,
} from '../../src/pipeline/normalize/adapters/generated/redis-commands.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

type Info = [string, number, string[], number, number, number, string[], unknown, unknown, Info[]];

describe('Redis commands against the running Redis', () => {
  let redis: Redis;
  const live = new Map<string, { flags: Set<string>; categories: Set<string> }>();
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    const add = (c: Info): void => {
      live.set(String(c[0]).toLowerCase(), {
        flags: new Set(c[2].map(String)),
        categories: new Set(c[6].map((x) => String(x).replace(/^@/, ''))),
      });
      if (Array.isArray(c[9])) for (const s of c[9]) add(s);
    };
    for (const c of (await redis.call('COMMAND')) as Info[]) add(c);
  });
  afterAll(() => redis.disconnect());

  it('holds the same commands as the running server', async () => {
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    // A different server version may add commands; the table is regenerated then (npm run api-tables).
    if (version !== REDIS_VERSION) console.log(`table from Redis ${REDIS_VERSION}, server is ${version}`);
    for (const [name] of REDIS_COMMANDS) expect(live.has(name), name).toBe(true);
  });

  it('reads every read-only command as a read and never a write command as one', () => {
    let reads = 0;
    let writes = 0;
    for (const [name, { flags, categories }] of live) {
      const words = name.split('|');
      const { operation } = redisCommandClass(words);
      if (flags.has('readonly') && !flags.has('admin') && !categories.has('dangerous')) {
        expect(operation, name).toBe('read');
        reads++;
      }
      if (flags.has('write')) {
        expect(operation, name).not.toBe('read');
        writes++;
      }
      if (flags.has('admin')) expect(['admin', 'delete'].includes(operation), name).toBe(true);
    }
    console.log(
      `Redis ${REDIS_VERSION}: ${live.size} commands and subcommands classified, 0 unclassified (${reads} read-only, ${writes} write)`,
    );
    expect(reads).toBeGreaterThan(50);
    expect(writes).toBeGreaterThan(50);
  });

  it('calls a delete only what Redis marks as a write (or a flush of its script cache)', () => {
    for (const name of REDIS_DELETES) {
      const info = live.get(name);
      expect(info !== undefined && (info.flags.has('write') || info.categories.has('scripting')), name).toBe(
        true,
      );
    }
  });

  it('reads a command the server does not define as a delete, in any case', () => {
    expect(redisCommandClass(['FLUSHEVERYTHING']).operation).toBe('delete');
    expect(redisCommandClass(['fLuShAlL']).operation).toBe('delete');
    expect(redisCommandClass(['config', 'SET', 'dir', '/tmp']).operation).toBe('admin');
  });
});
