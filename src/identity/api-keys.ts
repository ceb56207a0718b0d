/**
 * API keys for callers without a workload identity: stored only as SHA-256 hashes in a file that is
 * re-read on a short TTL, so revoking a key is an edit of the file, with no restart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ApiKeyResult } from '../pipeline/identity/credentials.js';
import { fail, quote } from '../pipeline/identity/identity-errors.js';

// SHA-256, not a password hash: keys are 256-bit random values, so a stolen hash file cannot be brute
// forced, and a slow hash (scrypt, argon2) would cost tens of ms of CPU per request, a DoS lever on the
// hot path. A password hash only earns its cost for low-entropy, human-chosen secrets.

/** One stored key. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  /** Lowercase hex SHA-256 of the key. */
  readonly sha256: string;
}

/** Options of the key store. */
export interface ApiKeyStoreOptions {
  /** The JSON key file: `{"keys":[{"id","subject","scopes","sha256"}]}`. */
  readonly path: string;
  /** How long a read of the file is used before it is read again; default 1000 ms. */
  readonly ttlMs?: number;
  /** Milliseconds clock, injected in tests; default `Date.now`. */
  readonly now?: () => number;
}

/** A store of API key hashes that follows its file. */
export interface ApiKeyStore {
  authenticate(presented: string): Promise<ApiKeyResult>;
}

const KEY_CHARS = /^[A-Za-z0-9_.~+/=-]{32,512}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The lowercase hex SHA-256 of a key, as stored in the key file. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Generates a new key (256 random bits) and the hash to store; the key itself is shown once and never stored. */
export function generateApiKey(): { key: string; sha256: string } {
  const key = `writ_${randomBytes(32).toString('base64url')}`;
  return { key, sha256: hashApiKey(key) };
}

/** Parses and validates a key file's text; throws a message naming the bad entry. */
export function parseApiKeyFile(text: string): ApiKeyRecord[] {
  const doc = JSON.parse(text) as unknown;
  const keys = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['keys'] : undefined;
  if (!Array.isArray(keys)) throw new Error('key file has no "keys" array');
  const ids = new Set<string>();
  return keys.map((k: unknown, i): ApiKeyRecord => {
    const r = (typeof k === 'object' && k !== null ? k : {}) as Record<string, unknown>;
    const { id, subject, scopes, sha256 } = r;
    if (typeof id !== 'string' || id.length === 0) throw new Error(`key ${i} has no id`);
    if (ids.has(id)) throw new Error(`key id ${quote(id)} appears twice`);
    ids.add(id);
    if (typeof subject !== 'string' || subject.length === 0)
      throw new Error(`key ${quote(id)} has no subject`);
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      throw new Error(`key ${quote(id)} scopes is not a list of strings`);
    }
    if (typeof sha256 !== 'string' || !HEX64.test(sha256))
      throw new Error(`key ${quote(id)} sha256 is not 64 hex`);
    return { id, subject, scopes, sha256 };
  });
}

interface Loaded {
  readonly records: readonly (ApiKeyRecord & { readonly digest: Buffer })[];
  readonly error: string | null;
}

/** Creates a key store over a file; the file is read lazily and again whenever the TTL has passed. */
export function createApiKeyStore(options: ApiKeyStoreOptions): ApiKeyStore {
  const ttlMs = options.ttlMs ?? 1000;
  const now = options.now ?? Date.now;
  let loaded: Loaded | null = null;
  let loadedAt = -Infinity;
  let pending: Promise<Loaded> | null = null;

  const load = async (): Promise<Loaded> => {
    try {
      const records = parseApiKeyFile(await readFile(options.path, 'utf8'));
      return { records: records.map((r) => ({ ...r, digest: Buffer.from(r.sha256, 'hex') })), error: null };
    } catch (err) {
      // SECURITY: fail closed. Keeping the last good set would keep a key alive that the edit revoked.
      return { records: [], error: (err as Error).message };
    }
  };

  const current = async (): Promise<Loaded> => {
    if (loaded !== null && now() - loadedAt < ttlMs) return loaded;
    pending ??= load().then((l) => {
      loaded = l;
      loadedAt = now();
      pending = null;
      return l;
    });
    return pending;
  };

  return {
    async authenticate(presented) {
      if (!KEY_CHARS.test(presented)) return fail('ERR_API_KEY_MALFORMED', 'api key is malformed');
      const set = await current();
      if (set.error !== null) return fail('ERR_API_KEYS_UNAVAILABLE', `api key file unusable: ${set.error}`);
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let match: ApiKeyRecord | null = null;
      // Every record is compared, in constant time, with no early exit: timing says nothing about which matched.
      for (const r of set.records) {
        if (timingSafeEqual(r.digest, digest) && match === null) match = r;
      }
      if (match === null) return fail('ERR_API_KEY_UNKNOWN', 'api key is unknown or revoked');
      return { ok: true, id: match.id, subject: match.subject, scopes: match.scopes };
    },
  };
}
