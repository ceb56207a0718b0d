/**
 * Approver authentication for the approval API and console: an API key (only its SHA-256 is stored,
 * in WRIT_APPROVER_KEYS_FILE) or an OIDC JWT verified with jose against a JWKS, with a required role.
 * Both yield the approver's groups, which an approval's `approvers` list is checked against.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** An authenticated approver. */
export interface Approver {
  /** `key:<name>` for an API key, `oidc:<sub>` for a JWT. */
  readonly id: string;
  /** Names the approver is known by, compared with an approval's subject and agent (self-approval). */
  readonly names: readonly string[];
  readonly method: 'api-key' | 'oidc';
  /** Approver groups: the key entry's groups, or the values of the token's groups claim. */
  readonly groups: readonly string[];
}

export type AuthResult =
  { readonly ok: true; readonly approver: Approver } | { readonly ok: false; readonly reason: string };

/** Verifies a bearer credential. */
export interface ApproverAuth {
  authenticate(authorization: string | undefined): Promise<AuthResult>;
}

export interface OidcSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** Claim that holds the roles (a string or a list of strings), default `roles`. */
  readonly roleClaim: string;
  /** The role an approver must hold. */
  readonly requiredRole: string;
  /** Claim that holds the approver's groups (a string or a list of strings); default: `roleClaim`. */
  readonly groupsClaim?: string;
  /** Accepted signature algorithms: asymmetric only, pinned (never taken from the token). */
  readonly algorithms?: readonly string[];
}

/** One API key entry: the approver's name, the SHA-256 of the key, and the approver's groups. */
export interface ApiKeyEntry {
  readonly name: string;
  readonly sha256: Buffer;
  readonly groups: readonly string[];
}

const PINNED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/**
 * Parses an API key file: one `name sha256-hex [group,group...]` per line (`#` starts a comment). A key
 * is made with `openssl rand -base64 32` and hashed with `printf %s "$KEY" | sha256sum`. The optional
 * third column lists the approver groups the key belongs to (`security-oncall,dba`).
 */
export function parseApiKeyFile(text: string, file = 'approver keys'): ApiKeyEntry[] {
  const out: ApiKeyEntry[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.replace(/#.*/, '').trim();
    if (t === '') return;
    const m = /^([A-Za-z0-9._@:-]{1,128})\s+([0-9a-fA-F]{64})(?:\s+([A-Za-z0-9._@:,/-]{1,1024}))?$/.exec(t);
    if (m === null) throw new TypeError(`${file}:${i + 1}: expected "name sha256-hex [group,group...]"`);
    const groups = (m[3] ?? '').split(',').filter((g) => g !== '');
    out.push({ name: m[1]!, sha256: Buffer.from(m[2]!, 'hex'), groups });
  });
  return out;
}

/** Reads an API key file. */
export function loadApiKeyFile(path: string): ApiKeyEntry[] {
  return parseApiKeyFile(readFileSync(path, 'utf8'), path);
}

/** The values of a roles or groups claim: a list of strings, or one space-separated string. */
function claimValues(payload: JWTPayload, claim: string): string[] {
  const v = payload[claim];
  if (typeof v === 'string') return v.split(' ').filter((x) => x !== '');
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Builds the authenticator from API keys and optional OIDC settings. */
export function createApproverAuth(keys: readonly ApiKeyEntry[], oidc?: OidcSettings): ApproverAuth {
  const jwks =
    oidc === undefined ? undefined : createRemoteJWKSet(new URL(oidc.jwksUrl), { timeoutDuration: 3000 });
  return {
    async authenticate(authorization) {
      if (authorization === undefined || !/^Bearer /i.test(authorization))
        return { ok: false, reason: 'no bearer credential' };
      const credential = authorization.slice(7).trim();
      if (credential.length === 0 || credential.length > 8192)
        return { ok: false, reason: 'no bearer credential' };
      // A JWT has three dot-separated parts; an API key has none.
      if (credential.split('.').length === 3 && oidc !== undefined && jwks !== undefined) {
        try {
          const { payload } = await jwtVerify(credential, jwks, {
            issuer: oidc.issuer,
            audience: oidc.audience,
            algorithms: [...(oidc.algorithms ?? PINNED_ALGORITHMS)],
            requiredClaims: ['sub', 'exp'],
          });
          if (!claimValues(payload, oidc.roleClaim).includes(oidc.requiredRole))
            return { ok: false, reason: `token lacks role "${oidc.requiredRole}"` };
          const sub = payload.sub ?? '';
          const names = [sub, typeof payload['email'] === 'string' ? payload['email'] : ''].filter(
            (n) => n !== '',
          );
          const groups = claimValues(payload, oidc.groupsClaim ?? oidc.roleClaim);
          return { ok: true, approver: { id: `oidc:${sub}`, names, method: 'oidc', groups } };
        } catch (err) {
          return {
            ok: false,
            reason: `invalid token: ${err instanceof Error ? err.message : 'unverifiable'}`,
          };
        }
      }
      const digest = createHash('sha256').update(credential, 'utf8').digest();
      // Compare against every entry in constant time, so timing does not reveal which one matched.
      let match: ApiKeyEntry | undefined;
      for (const k of keys) if (timingSafeEqual(k.sha256, digest) && match === undefined) match = k;
      if (match === undefined) return { ok: false, reason: 'unknown API key' };
      return {
        ok: true,
        approver: { id: `key:${match.name}`, names: [match.name], method: 'api-key', groups: match.groups },
      };
    },
  };
}

/**
 * True when an approver is the subject of an approval: an agent may never approve its own action.
 * Compares the approver's names with the approval's SPIFFE ID and agent name, and with the SPIFFE ID's
 * service account.
 */
export function isSelfApproval(approver: Approver, subject: string, agent: string | null): boolean {
  const sa = /\/sa\/([^/]+)$/.exec(subject)?.[1];
  const own = new Set([subject, agent ?? '', sa ?? ''].filter((n) => n !== '' && n !== 'anonymous'));
  return approver.names.some((n) => own.has(n));
}

/**
 * True when an approver may decide an approval whose policy names `approvers` (groups): any
 * authenticated approver when the list is empty, else only a member of one of the groups.
 */
export function inApproverGroups(approver: Approver, approvers: readonly string[]): boolean {
  return approvers.length === 0 || approver.groups.some((g) => approvers.includes(g));
}
