/** Server configuration from flags and WRIT_* environment variables (flags win); invalid values stop startup. */
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMcpEndpoints } from './pipeline/normalize/mcp-endpoint.js';
import { parseA2aEndpoints } from './pipeline/normalize/a2a/endpoints.js';
import { parseSpiffeId } from './pipeline/identity/spiffe-id.js';

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
  /** Address of the admin HTTP listener, apart from the gRPC roles' `listenHost`. */
  readonly adminHost: string;
  readonly maxBodyBytes: number;
  readonly tokenTtlSeconds: number;
  /** How long a session taint lasts after its last mark unless an approver clears it, seconds. */
  readonly taintTtlSeconds: number;
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
  /** Root key: a local file, or a KMS key that certifies short-lived signing keys (docs/keys.md). */
  readonly signer: 'local' | 'aws-kms' | 'gcp-kms';
  readonly awsKmsKeyId: string;
  readonly gcpKmsKey: string;
  /** Seconds each short-lived signing key signs; 0 (local only): the root key signs tokens itself. */
  readonly keyRotationS: number;
  /** SIEM export (docs/siem.md): OCSF JSON lines to stdout and/or a file, RFC 5424 syslog over TCP/TLS. */
  readonly siemStdout: boolean;
  readonly siemFile: string;
  readonly siemSyslog: { readonly host: string; readonly port: number } | null;
  readonly siemSyslogCaFile: string;
  readonly trustAgentHeaders: boolean;
  /** Trust domains whose SPIFFE IDs are accepted (docs/identity.md); any other is ERR_IDENTITY_UNTRUSTED_DOMAIN. */
  readonly trustDomains: readonly string[];
  /** SPIFFE ID of the adjacent proxy whose XFCC element names the caller; empty: XFCC is ignored. */
  readonly xfccTrustedProxy: string;
  /** SPIFFE IDs that present tokens minted at their own check role on behalf of the agent (egress gateways). */
  readonly tokenForwarders: readonly string[];
  readonly originHops: readonly string[];
  /** YAML list of JWT issuers; empty: no JWT, delegation chain or JWT session is accepted. */
  readonly jwtIssuersFile: string;
  /** JSON file of API key hashes; empty: no API key is accepted. */
  readonly apiKeysFile: string;
  /** Least time between two JWKS refetches an unknown `kid` triggers, per issuer (ms). */
  readonly jwksCooldownMs: number;
  /** Age after which an issuer's key set is refetched before use (ms). */
  readonly jwksMaxAgeMs: number;
  readonly signingKeyFile: string;
  readonly auditFile: string;
  readonly logLevel: string;
  /** A candidate policy folder evaluated in shadow mode ('' = off). */
  readonly shadowPolicyDir: string;
  /** Redis for shared state across replicas; null keeps state in this process's memory. */
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  /** Accept a Redis that keeps no data across restarts (each loss is audited, decisions continue). */
  readonly allowVolatileState: boolean;
  /** The memory store's quarantines and approvals, kept across restarts (atomic rename on each change). */
  readonly stateFile: string;
  /** The ext_proc role's gRPC port (response masking); 0 disables it. */
  readonly extprocPort: number;
  /** `name sha256-hex` lines; null: no API-key approvers. */
  readonly approverKeysFile: string | null;
  /** OIDC approvers: all four set, or none. */
  readonly oidc: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUrl: string;
    readonly roleClaim: string;
    readonly requiredRole: string;
    /** Claim holding approver groups (matched against a rule's `approval.approvers`). */
    readonly groupsClaim: string;
  } | null;
  /** Webhook targets for new approvals (`slack+https://...` for Slack's message shape). */
  readonly approvalWebhooks: readonly string[];
  /** File holding the webhook HMAC secret; null: generated into <home>/keys/webhook-secret. */
  readonly webhookSecretFile: string;
  /** Linked from webhooks so an approver can open the console. */
  readonly consoleUrl: string | null;
  /** Finding ids (or id prefixes) and `severity:<level>` that quarantine a session on sight. */
  readonly quarantineOn: readonly string[];
  /** MCP endpoints (`host[:port]/path`) replacing the policy set's `mcp_endpoints`; null: the policy's. */
  readonly mcpEndpoints: readonly string[] | null;
  /** A2A endpoints (`host[:port]/path`) replacing the policy set's `a2a_endpoints`; null: the policy's. */
  readonly a2aEndpoints: readonly string[] | null;
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
  { flag: 'host', env: 'WRIT_LISTEN_HOST', doc: 'address the gRPC roles bind', fallback: '127.0.0.1' },
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
    fallback: '9193',
  },
  {
    flag: 'admin-host',
    env: 'WRIT_ADMIN_HOST',
    doc: 'address the admin HTTP port binds (console, approvals, metrics): loopback unless set',
    fallback: '127.0.0.1',
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
    flag: 'taint-ttl',
    env: 'WRIT_TAINT_TTL_S',
    doc: 'how long a session stays tainted after its last tainting read unless an approver clears it, seconds',
    fallback: '3600',
  },
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
    flag: 'signer',
    env: 'WRIT_SIGNER',
    doc: 'root key: local, aws-kms or gcp-kms',
    fallback: 'local',
  },
  {
    flag: 'aws-kms-key-id',
    env: 'WRIT_AWS_KMS_KEY_ID',
    doc: 'AWS KMS key (ECC_NIST_EDWARDS25519) id or ARN, with --signer aws-kms',
    fallback: '',
  },
  {
    flag: 'gcp-kms-key',
    env: 'WRIT_GCP_KMS_KEY',
    doc: 'Cloud KMS key version (EC_SIGN_ED25519) resource name, with --signer gcp-kms',
    fallback: '',
  },
  {
    flag: 'key-rotation',
    env: 'WRIT_KEY_ROTATION_S',
    doc: 'seconds each short-lived token key signs (0: the local root signs; KMS needs > 0)',
    fallback: '0 (local), 300 (KMS)',
  },
  {
    flag: 'siem-stdout',
    env: 'WRIT_SIEM_STDOUT',
    doc: 'write every audit record to stdout as an OCSF JSON line',
    fallback: 'false',
  },
  {
    flag: 'siem-file',
    env: 'WRIT_SIEM_FILE',
    doc: 'append every audit record to this file as an OCSF JSON line (empty: off)',
    fallback: '',
  },
  {
    flag: 'siem-syslog',
    env: 'WRIT_SIEM_SYSLOG',
    doc: 'ship OCSF events as RFC 5424 syslog over TCP to host:port (empty: off)',
    fallback: '',
  },
  {
    flag: 'siem-syslog-ca',
    env: 'WRIT_SIEM_SYSLOG_CA_FILE',
    doc: 'PEM CA of the syslog receiver: ship over TLS (RFC 5425) instead of TCP',
    fallback: '',
  },
  {
    flag: 'trust-agent-headers',
    env: 'WRIT_TRUST_AGENT_HEADERS',
    doc: 'trust x-writ-agent/-tenant/-session (x-writ-origin: --origin-hops)',
    fallback: 'false',
  },
  {
    flag: 'trust-domains',
    env: 'WRIT_TRUST_DOMAINS',
    doc: 'comma-separated SPIFFE trust domains whose workloads are accepted',
    fallback: 'cluster.local',
  },
  {
    flag: 'xfcc-trusted-proxy',
    env: 'WRIT_XFCC_TRUSTED_PROXY',
    doc: 'SPIFFE ID of the proxy whose x-forwarded-client-cert element is trusted (empty: XFCC ignored)',
    fallback: '',
  },
  {
    flag: 'token-forwarders',
    env: 'WRIT_TOKEN_FORWARDERS',
    doc: 'comma-separated SPIFFE IDs of the gateways that run the check role and forward its tokens to tools (verify role)',
    fallback: '',
  },
  {
    flag: 'origin-hops',
    env: 'WRIT_ORIGIN_HOPS',
    doc: 'comma-separated SPIFFE IDs of the hops trusted to set x-writ-origin (empty: the header is ignored)',
    fallback: '',
  },
  {
    flag: 'jwt-issuers-file',
    env: 'WRIT_JWT_ISSUERS_FILE',
    doc: 'YAML list of JWT issuers {issuer, audience, jwks_uri | discovery, algorithms} (empty: none)',
    fallback: '',
  },
  {
    flag: 'jwks-cooldown-s',
    env: 'WRIT_JWKS_COOLDOWN_S',
    doc: 'least seconds between two JWKS refetches an unknown kid triggers (bounds what forged kids cost)',
    fallback: '30',
  },
  {
    flag: 'jwks-max-age-s',
    env: 'WRIT_JWKS_MAX_AGE_S',
    doc: 'seconds after which an issuer key set is refetched before use',
    fallback: '600',
  },
  {
    flag: 'api-keys-file',
    env: 'WRIT_API_KEYS_FILE',
    doc: 'JSON file of API key SHA-256 hashes, re-read every second (empty: none)',
    fallback: '',
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
  {
    flag: 'shadow-policy-dir',
    env: 'WRIT_SHADOW_POLICY_DIR',
    doc: 'candidate policy folder evaluated beside the live one, never enforced',
    fallback: '(off)',
  },
  {
    flag: 'redis-url',
    env: 'WRIT_REDIS_URL',
    doc: 'Redis for state shared by replicas (empty: in-process memory)',
    fallback: '',
  },
  { flag: 'redis-prefix', env: 'WRIT_REDIS_PREFIX', doc: 'prefix of every Redis key', fallback: '{writ}:' },
  {
    flag: 'allow-volatile-state',
    env: 'WRIT_ALLOW_VOLATILE_STATE',
    doc: 'run on a Redis without persistence (appendonly no, no save): a Redis restart then releases quarantines and approvals, audited',
    fallback: 'false',
  },
  {
    flag: 'state-file',
    env: 'WRIT_STATE_FILE',
    doc: 'where the in-memory store keeps quarantines and approvals across restarts',
    fallback: '<home>/state/memory-state.json',
  },
  {
    flag: 'extproc-port',
    env: 'WRIT_EXTPROC_PORT',
    doc: 'ext_proc role (response masking) gRPC port (0 disables)',
    fallback: '9194',
  },
  {
    flag: 'approver-keys-file',
    env: 'WRIT_APPROVER_KEYS_FILE',
    doc: 'approver API keys, one "name sha256-hex [group,group...]" per line',
    fallback: '',
  },
  { flag: 'oidc-issuer', env: 'WRIT_OIDC_ISSUER', doc: 'OIDC issuer of approver tokens', fallback: '' },
  {
    flag: 'oidc-audience',
    env: 'WRIT_OIDC_AUDIENCE',
    doc: 'audience approver tokens must name',
    fallback: '',
  },
  {
    flag: 'oidc-jwks-url',
    env: 'WRIT_OIDC_JWKS_URL',
    doc: 'JWKS URL of the approver token issuer',
    fallback: '',
  },
  {
    flag: 'oidc-role-claim',
    env: 'WRIT_OIDC_ROLE_CLAIM',
    doc: 'claim holding approver roles',
    fallback: 'roles',
  },
  {
    flag: 'oidc-approver-role',
    env: 'WRIT_OIDC_APPROVER_ROLE',
    doc: 'role an approver token must hold',
    fallback: 'writ-approver',
  },
  {
    flag: 'oidc-groups-claim',
    env: 'WRIT_OIDC_GROUPS_CLAIM',
    doc: 'claim holding approver groups (default: the role claim)',
    fallback: '',
  },
  {
    flag: 'approval-webhooks',
    env: 'WRIT_APPROVAL_WEBHOOKS',
    doc: 'comma-separated webhook URLs for new approvals (slack+https://... for Slack)',
    fallback: '',
  },
  {
    flag: 'webhook-secret-file',
    env: 'WRIT_WEBHOOK_SECRET_FILE',
    doc: 'HMAC secret for webhook signatures (generated if absent)',
    fallback: '<home>/keys/webhook-secret',
  },
  {
    flag: 'console-url',
    env: 'WRIT_CONSOLE_URL',
    doc: 'approval console URL linked from webhooks',
    fallback: '',
  },
  {
    flag: 'mcp-endpoints',
    env: 'WRIT_MCP_ENDPOINTS',
    doc: 'comma-separated MCP endpoints host[:port]/path; replaces the policy list mcp_endpoints',
    fallback: '',
  },
  {
    flag: 'a2a-endpoints',
    env: 'WRIT_A2A_ENDPOINTS',
    doc: 'comma-separated A2A endpoints host[:port]/path; replaces the policy list a2a_endpoints',
    fallback: '',
  },
  {
    flag: 'quarantine-on',
    env: 'WRIT_QUARANTINE_ON',
    doc: 'comma-separated finding ids and severity:<level> that quarantine a session',
    fallback: '',
  },
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

function trustDomains(text: string): string[] {
  const list = text.split(',').map((d) => d.trim());
  // The same grammar parseSpiffeId admits, so a configured domain can actually match.
  if (list.length === 0 || list.some((d) => !/^[a-z0-9._-]+$/.test(d)))
    throw new ConfigError(`--trust-domains must be comma-separated lowercase trust domains, got "${text}"`);
  return list;
}

function spiffeIdOrEmpty(name: string, text: string): string {
  if (text !== '' && parseSpiffeId(text) === null)
    throw new ConfigError(`${name} must be a SPIFFE ID (spiffe://td/path), got "${text}"`);
  return text;
}

function spiffeIdList(name: string, text: string): readonly string[] {
  if (text.trim() === '') return [];
  return text.split(',').map((id) => {
    const trimmed = id.trim();
    if (trimmed === '') throw new ConfigError(`${name} has an empty entry in "${text}"`);
    return spiffeIdOrEmpty(name, trimmed);
  });
}

function a2aEndpoints(text: string): readonly string[] | null {
  if (text.trim() === '') return null;
  const list = text.split(',').map((e) => e.trim());
  try {
    parseA2aEndpoints(list);
  } catch (err) {
    throw new ConfigError(`--a2a-endpoints: ${(err as Error).message}`);
  }
  return list;
}

function mcpEndpoints(text: string): readonly string[] | null {
  if (text.trim() === '') return null;
  const list = text.split(',').map((e) => e.trim());
  try {
    parseMcpEndpoints(list);
  } catch (err) {
    throw new ConfigError(`--mcp-endpoints: ${(err as Error).message}`);
  }
  return list;
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

function hostPort(name: string, text: string): { host: string; port: number } | null {
  if (text === '') return null;
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (m === null) throw new ConfigError(`${name} must be host:port, got "${text}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: integer(name, m[2]!, 1, 65535) };
}

function signerSettings(
  signer: string,
  awsKmsKeyId: string,
  gcpKmsKey: string,
  rotation: string | undefined,
): Pick<ServerConfig, 'signer' | 'awsKmsKeyId' | 'gcpKmsKey' | 'keyRotationS'> {
  if (signer !== 'local' && signer !== 'aws-kms' && signer !== 'gcp-kms')
    throw new ConfigError(`--signer must be local, aws-kms or gcp-kms, got "${signer}"`);
  if (signer === 'aws-kms' && awsKmsKeyId === '')
    throw new ConfigError('--signer aws-kms needs --aws-kms-key-id');
  if (
    signer === 'gcp-kms' &&
    !/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+\/cryptoKeyVersions\/[^/]+$/.test(
      gcpKmsKey,
    )
  )
    throw new ConfigError('--signer gcp-kms needs --gcp-kms-key projects/.../cryptoKeyVersions/N');
  const keyRotationS = integer('--key-rotation', rotation ?? (signer === 'local' ? '0' : '300'), 0, 86_400);
  // SECURITY/PERF: a KMS key never signs tokens itself: it would put a network call on every decision.
  if (signer !== 'local' && keyRotationS < 10)
    throw new ConfigError('--key-rotation must be at least 10 s with a KMS signer');
  return { signer, awsKmsKeyId, gcpKmsKey, keyRotationS };
}

const nonEmpty = (s: string | undefined): string | null =>
  s === undefined || s.trim() === '' ? null : s.trim();
const map = <T, U>(v: T | null, f: (t: T) => U): U | null => (v === null ? null : f(v));
const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

function oidcConfig(get: (flag: string) => string | undefined): ServerConfig['oidc'] {
  const issuer = nonEmpty(get('oidc-issuer'));
  const audience = nonEmpty(get('oidc-audience'));
  const jwksUrl = nonEmpty(get('oidc-jwks-url'));
  const set = [issuer, audience, jwksUrl].filter((x) => x !== null).length;
  if (set === 0) return null;
  if (issuer === null || audience === null || jwksUrl === null)
    throw new ConfigError('--oidc-issuer, --oidc-audience and --oidc-jwks-url must be set together');
  return {
    issuer,
    audience,
    jwksUrl,
    roleClaim: get('oidc-role-claim') ?? 'roles',
    requiredRole: get('oidc-approver-role') ?? 'writ-approver',
    // Many IdPs put groups in their own claim (`groups`); by default the role claim holds both.
    groupsClaim: nonEmpty(get('oidc-groups-claim')) ?? get('oidc-role-claim') ?? 'roles',
  };
}

/** An absolute path, or empty when the setting is unset or empty. */
function optionalPath(text: string | undefined): string {
  return text === undefined || text === '' ? '' : resolve(text);
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
    inboundPort: port('inbound-port', 9193),
    adminPort: port('admin-port', 9190),
    adminHost: get('admin-host') ?? '127.0.0.1',
    maxBodyBytes: integer('--max-body-bytes', get('max-body-bytes') ?? '1048576', 0, 64 * 1024 * 1024),
    tokenTtlSeconds: integer('--token-ttl', get('token-ttl') ?? '60', 1, 3600),
    taintTtlSeconds: integer('--taint-ttl', get('taint-ttl') ?? '3600', 60, 7 * 86_400),
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
    siemStdout: boolean('--siem-stdout', get('siem-stdout') ?? 'false'),
    siemFile: (get('siem-file') ?? '') === '' ? '' : resolve(get('siem-file')!),
    siemSyslog: hostPort('--siem-syslog', get('siem-syslog') ?? ''),
    siemSyslogCaFile: (get('siem-syslog-ca') ?? '') === '' ? '' : resolve(get('siem-syslog-ca')!),
    ...signerSettings(
      get('signer') ?? 'local',
      get('aws-kms-key-id') ?? '',
      get('gcp-kms-key') ?? '',
      get('key-rotation'),
    ),
    trustAgentHeaders: boolean('--trust-agent-headers', get('trust-agent-headers') ?? 'false'),
    trustDomains: trustDomains(get('trust-domains') ?? 'cluster.local'),
    xfccTrustedProxy: spiffeIdOrEmpty('--xfcc-trusted-proxy', get('xfcc-trusted-proxy') ?? ''),
    tokenForwarders: spiffeIdList('--token-forwarders', get('token-forwarders') ?? ''),
    originHops: spiffeIdList('--origin-hops', get('origin-hops') ?? ''),
    jwtIssuersFile: optionalPath(get('jwt-issuers-file')),
    apiKeysFile: optionalPath(get('api-keys-file')),
    jwksCooldownMs: integer('--jwks-cooldown-s', get('jwks-cooldown-s') ?? '30', 0, 3600) * 1000,
    jwksMaxAgeMs: integer('--jwks-max-age-s', get('jwks-max-age-s') ?? '600', 1, 86_400) * 1000,
    signingKeyFile: resolve(get('signing-key') ?? join(home, 'keys', 'signing-key.pem')),
    auditFile: resolve(get('audit-file') ?? join(home, 'audit', 'audit.jsonl')),
    logLevel: get('log-level') ?? 'info',
    shadowPolicyDir: get('shadow-policy-dir') === undefined ? '' : resolve(get('shadow-policy-dir') ?? ''),
    redisUrl: nonEmpty(get('redis-url')),
    redisPrefix: get('redis-prefix') ?? '{writ}:',
    allowVolatileState: boolean('--allow-volatile-state', get('allow-volatile-state') ?? 'false'),
    stateFile: resolve(get('state-file') ?? join(home, 'state', 'memory-state.json')),
    extprocPort: port('extproc-port', 9194),
    approverKeysFile: map(nonEmpty(get('approver-keys-file')), (f) => resolve(f)),
    oidc: oidcConfig(get),
    approvalWebhooks: list(get('approval-webhooks')),
    webhookSecretFile: resolve(get('webhook-secret-file') ?? join(home, 'keys', 'webhook-secret')),
    consoleUrl: nonEmpty(get('console-url')),
    quarantineOn: list(get('quarantine-on')),
    mcpEndpoints: mcpEndpoints(get('mcp-endpoints') ?? ''),
    a2aEndpoints: a2aEndpoints(get('a2a-endpoints') ?? ''),
  };
}
