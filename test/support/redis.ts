/** Redis for tests: is the shared server up, a per-run key prefix, cleanup, and a private server to stop. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['WRIT_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function ping(): boolean {
  try {
    return (
      execFileSync('redis-cli', ['-u', REDIS_URL, 'ping'], { encoding: 'utf8', timeout: 3000 }).trim() ===
      'PONG'
    );
  } catch {
    return false;
  }
}

/** True when the Redis tests must run: Redis answers, or CI demands it (and then a down Redis fails them). */
export const redisAvailable = ping();
export const runRedisTests = redisAvailable || process.env['CI'] === 'true';
/** Why the Redis tests are skipped, printed in the test name so a skip is never silent. */
export const redisSkipReason = runRedisTests
  ? ''
  : ` [SKIPPED: no Redis answers "redis-cli ping" at ${REDIS_URL} and CI is not "true"]`;
if (!runRedisTests) process.stderr.write(`writ tests:${redisSkipReason}\n`);

/** A fresh key prefix for one test file, inside a hash tag so scripts stay on one slot. */
export function testPrefix(): string {
  return `{writ-test-${randomBytes(6).toString('hex')}}:`;
}

/** Deletes every key under a prefix. */
export async function cleanPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** A free loopback TCP port (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server on a port of our own, that a test can stop and start again. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  /**
   * `persistence`: `none` (no AOF, no snapshots: what this machine's Redis runs) or `aof` (append-only
   * file fsynced on every write, in `dir`), so a restart keeps or loses the data as a real one would.
   */
  constructor(
    readonly port: number,
    readonly persistence: { readonly mode: 'none' } | { readonly mode: 'aof'; readonly dir: string } = {
      mode: 'none',
    },
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...(this.persistence.mode === 'aof'
          ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.persistence.dir]
          : ['--appendonly', 'no']),
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        if (
          execFileSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG'
        )
          return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
