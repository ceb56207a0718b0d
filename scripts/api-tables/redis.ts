/** Redis: every command and subcommand with its flags and ACL categories, from a running Redis's `COMMAND` reply. */
import { execFileSync } from 'node:child_process';
import { generatedHeader } from './package-source.js';
import type { ApiTable } from './table.js';

/** `redis-cli`'s address: REDIS_HOST / REDIS_PORT, default 127.0.0.1:6379 (the project's test Redis). */
function cli(...args: string[]): string {
  const host = process.env['REDIS_HOST'] ?? '127.0.0.1';
  const port = process.env['REDIS_PORT'] ?? '6379';
  return execFileSync('redis-cli', ['-h', host, '-p', port, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

type CommandReply = [
  string,
  number,
  string[],
  number,
  number,
  number,
  string[],
  unknown[],
  unknown[],
  CommandReply[],
];

/** [name, flags, categories] of every command and subcommand the running Redis defines, sorted. */
export function redisCommands(): Array<[string, string, string]> {
  const reply = JSON.parse(cli('--json', 'COMMAND')) as CommandReply[];
  const rows: Array<[string, string, string]> = [];
  const add = (c: CommandReply): void => {
    rows.push([
      String(c[0]).toLowerCase(),
      c[2].map(String).join(' '),
      c[6].map((x) => String(x).replace(/^@/, '')).join(' '),
    ]);
    if (Array.isArray(c[9])) for (const sub of c[9]) add(sub);
  };
  for (const c of reply) add(c);
  return rows.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The running Redis's version. */
export function redisVersion(): string {
  return /redis_version:(\S+)/.exec(cli('INFO', 'server'))?.[1] ?? 'unknown';
}

function renderRedis(): string {
  const version = redisVersion();
  const lines = redisCommands().map((r) => `  [${r.map((x) => JSON.stringify(x)).join(', ')}],`);
  return (
    generatedHeader(
      `Redis ${version}'s COMMAND reply`,
      'Every command and subcommand (`config|set`) with its flags and ACL categories, space-separated.',
    ) +
    `\n/** The Redis version whose COMMAND reply the table holds. */\nexport const REDIS_VERSION = ${JSON.stringify(version)};\n\n` +
    `/** [name (lower-case, \`cmd|sub\` for subcommands), flags, ACL categories]. */\n` +
    `export const REDIS_COMMANDS: ReadonlyArray<readonly [name: string, flags: string, categories: string]> = [\n${lines.join('\n')}\n];\n`
  );
}

/** The Redis command table. */
export const redisTable: ApiTable = { file: 'redis-commands.ts', render: renderRedis };
