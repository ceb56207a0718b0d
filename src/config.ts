/** Server configuration from flags and WRIT_* environment variables (flags win); invalid values stop startup. */
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (holds the embedded default policies/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerConfig {
  readonly home: string;
  readonly policyDir: string;
  readonly listenHost: string;
  readonly checkPort: number;
  readonly verifyPort: number;
  readonly inboundPort: number;
  readonly adminPort: number;
  readonly maxBodyBytes: number;
  readonly tokenTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly deadlineMs: number;
  readonly auditFsyncMs: number;
  /** Names this replica's audit chain (checkpoint origin `writ-audit/<id>`). */
  readonly replicaId: string;
  readonly checkpointEvery: number;
  readonly checkpointIntervalS: number;
  /** RFC 3161 TSA URL; empty disables anchoring. */
  readonly tsaUrl: string;
  readonly tsaCaFile: string;
  readonly trustAgentHeaders: boolean;
  readonly signingKeyFile: string;
  readonly auditFile: string;
  readonly logLevel: string;
}

/** One documented setting: its flag, its environment variable and its default. */
interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly doc: string;
  readonly fallback: string;
}

/** Every setting, as docs/configuration.md lists them. */
export const SETTINGS: readonly Setting[] = [
  { flag: 'home', env: 'WRIT_HOME', doc: 'data folder: signing key, audit log', fallback: '.writ' },
  { flag: 'policy-dir', env: 'WRIT_POLICY_DIR', doc: 'policy folder (YAML)', fallback: '<package>/policies' },
  { flag: 'host', env: 'WRIT_LISTEN_HOST', doc: 'address every listener binds', fallback: '127.0.0.1' },
  {
    flag: 'check-port',
    env: 'WRIT_CHECK_PORT',
    doc: 'check role (agent egress) gRPC port',
    fallback: '9191',
  },
  {
    flag: 'verify-port',
    env: 'WRIT_VERIFY_PORT',
    doc: 'verify role (tool server) gRPC port',
    fallback: '9192',
  },
  {
    flag: 'inbound-port',
    env: 'WRIT_INBOUND_PORT',
    doc: 'inbound role gRPC port (0 disables)',
    fallback: '0',
  },
  {
    flag: 'admin-port',
    env: 'WRIT_ADMIN_PORT',
    doc: 'admin HTTP port: health, key set (0 disables)',
    fallback: '9190',
  },
  {
    flag: 'max-body-bytes',
    env: 'WRIT_MAX_BODY_BYTES',
    doc: 'largest body governed; equal to Envoy max_request_bytes',
    fallback: '1048576',
  },
  { flag: 'token-ttl', env: 'WRIT_TOKEN_TTL_S', doc: 'execution token lifetime, seconds', fallback: '60' },
  {
    flag: 'clock-skew',
    env: 'WRIT_CLOCK_SKEW_S',
    doc: 'clock skew tolerated when verifying tokens, seconds',
    fallback: '5',
  },
  {
    flag: 'deadline-ms',
    env: 'WRIT_DEADLINE_MS',
    doc: 'a decision not made in this time is a deny',
    fallback: '250',
  },
  {
    flag: 'audit-fsync-ms',
    env: 'WRIT_AUDIT_FSYNC_MS',
    doc: 'fsync interval of the audit log (0: every record)',
    fallback: '50',
  },
  {
    flag: 'replica-id',
    env: 'WRIT_REPLICA_ID',
    doc: "names this replica's audit chain (checkpoint origin)",
    fallback: '<hostname>',
  },
  {
    flag: 'checkpoint-every',
    env: 'WRIT_CHECKPOINT_EVERY',
    doc: 'sign an audit checkpoint after this many records (0: timer only)',
    fallback: '1000',
  },
  {
    flag: 'checkpoint-interval',
    env: 'WRIT_CHECKPOINT_INTERVAL_S',
    doc: 'sign an audit checkpoint at least this often, seconds (0: count only)',
    fallback: '60',
  },
  {
    flag: 'tsa-url',
    env: 'WRIT_TSA_URL',
    doc: 'RFC 3161 time-stamp authority that anchors checkpoints (empty: off)',
    fallback: '',
  },
  {
    flag: 'tsa-ca-file',
    env: 'WRIT_TSA_CA_FILE',
    doc: 'PEM root CA the TSA certificate must chain to (required with --tsa-url)',
    fallback: '',
  },
  {
    flag: 'trust-agent-headers',
    env: 'WRIT_TRUST_AGENT_HEADERS',
    doc: 'trust x-writ-agent/-tenant/-session/-origin',
    fallback: 'false',
  },
  {
    flag: 'signing-key',
    env: 'WRIT_SIGNING_KEY_FILE',
    doc: 'Ed25519 PKCS#8 PEM key (generated if absent)',
    fallback: '<home>/keys/signing-key.pem',
  },
  {
    flag: 'audit-file',
    env: 'WRIT_AUDIT_FILE',
    doc: 'hash-chained audit log (JSON lines)',
    fallback: '<home>/audit/audit.jsonl',
  },
  { flag: 'log-level', env: 'WRIT_LOG_LEVEL', doc: 'pino log level', fallback: 'info' },
];

/** A configuration value that cannot be used; startup stops with this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function boolean(name: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}

function replicaId(text: string): string {
  // It becomes the first line of a C2SP checkpoint note: one line, no spaces.
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(text))
    throw new ConfigError(`--replica-id must be 1-128 of [A-Za-z0-9._-], got "${text}"`);
  return text;
}

function tsaSettings(url: string, caFile: string): { tsaUrl: string; tsaCaFile: string } {
  if (url === '') return { tsaUrl: '', tsaCaFile: '' };
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`--tsa-url must be an http(s) URL, got "${url}"`);
  // SECURITY: a TSA reply is only worth anchoring if it chains to a CA we chose.
  if (caFile === '') throw new ConfigError('--tsa-url needs --tsa-ca-file (the TSA root CA, PEM)');
  return { tsaUrl: url, tsaCaFile: resolve(caFile) };
}

/** Resolves the configuration from parsed flags and an environment. */
export function resolveConfig(
  flags: Readonly<Record<string, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const get = (flag: string): string | undefined => {
    const s = SETTINGS.find((x) => x.flag === flag);
    if (s === undefined) throw new TypeError(`unknown setting ${flag}`);
    return flags[flag] ?? env[s.env];
  };
  const home = resolve(get('home') ?? '.writ');
  const port = (flag: string, fallback: number) =>
    integer(`--${flag}`, get(flag) ?? String(fallback), 0, 65535);
  return {
    home,
    policyDir: resolve(get('policy-dir') ?? join(PACKAGE_ROOT, 'policies')),
    listenHost: get('host') ?? '127.0.0.1',
    checkPort: port('check-port', 9191),
    verifyPort: port('verify-port', 9192),
    inboundPort: port('inbound-port', 0),
    adminPort: port('admin-port', 9190),
    maxBodyBytes: integer('--max-body-bytes', get('max-body-bytes') ?? '1048576', 0, 64 * 1024 * 1024),
    tokenTtlSeconds: integer('--token-ttl', get('token-ttl') ?? '60', 1, 3600),
    clockSkewSeconds: integer('--clock-skew', get('clock-skew') ?? '5', 0, 300),
    deadlineMs: integer('--deadline-ms', get('deadline-ms') ?? '250', 1, 60_000),
    auditFsyncMs: integer('--audit-fsync-ms', get('audit-fsync-ms') ?? '50', 0, 10_000),
    replicaId: replicaId(
      get('replica-id') ??
        (hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 128) ||
          'writ'),
    ),
    checkpointEvery: integer('--checkpoint-every', get('checkpoint-every') ?? '1000', 0, 10_000_000),
    checkpointIntervalS: integer('--checkpoint-interval', get('checkpoint-interval') ?? '60', 0, 86_400),
    ...tsaSettings(get('tsa-url') ?? '', get('tsa-ca-file') ?? ''),
    trustAgentHeaders: boolean('--trust-agent-headers', get('trust-agent-headers') ?? 'false'),
    signingKeyFile: resolve(get('signing-key') ?? join(home, 'keys', 'signing-key.pem')),
    auditFile: resolve(get('audit-file') ?? join(home, 'audit', 'audit.jsonl')),
    logLevel: get('log-level') ?? 'info',
  };
}
