/**
 * The key ring: which key signs tokens now, which keys verifiers must still accept, and which key signs
 * next. A root key (local file or KMS) certifies short-lived in-memory Ed25519 keys, so the root is
 * used once per rotation and never on the decision path; retired keys keep verifying until every token
 * they signed has expired.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JsonValue } from '../pipeline/model/json.js';
import { CertifiedKeys } from './certified-keys.js';
import { certificationInput, publicJwk } from './key-events.js';
import { signerFromPrivateKey } from './local-key.js';
import type { CertifiedKeyCheck, KeySet, Signer } from './signer.js';

/** A root key: slow (KMS round trip) and asynchronous, so it only certifies short-lived keys. */
export interface RootSigner {
  readonly kind: 'local' | 'aws-kms' | 'gcp-kms';
  readonly kid: string;
  readonly publicKey: KeyObject;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A root over a local key (file or generated): it can also sign tokens directly when rotation is off. */
export function localRoot(signer: Signer): RootSigner & { readonly signer: Signer } {
  return {
    kind: 'local',
    kid: signer.kid,
    publicKey: signer.publicKey,
    signer,
    sign: (data) => Promise.resolve(signer.sign(data)),
  };
}

/** Key change events for the audit chain (`audit.key-added`, `audit.key-retired`; docs/keys.md). */
export type KeyEvent =
  | {
      readonly type: 'audit.key-added';
      readonly kid: string;
      readonly jwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
      readonly role: 'root' | 'signing';
      readonly root_kind: RootSigner['kind'];
      readonly issuer: string | null;
      readonly certification: string | null;
      readonly [key: string]: JsonValue;
    }
  | { readonly type: 'audit.key-retired'; readonly kid: string; readonly [key: string]: JsonValue };

export interface KeyRingOptions {
  readonly root: RootSigner;
  readonly now: () => number;
  readonly tokenTtlSeconds: number;
  readonly skewSeconds: number;
  /**
   * How long each short-lived key signs (ms). 0: no short-lived keys; the root signs tokens itself
   * (a local root only), which keeps one shared key across replicas working as before.
   */
  readonly rotateEveryMs: number;
  /** Receives every key change, to append to the audit chain. */
  readonly onKeyEvent?: (event: KeyEvent) => void;
  /** Reports a failed certification (KMS unreachable); the current key keeps signing meanwhile. */
  readonly onError?: (err: unknown) => void;
}

interface Entry {
  readonly signer: Signer;
  /** The root's certification (compact JWS), null for the root itself. */
  readonly certification: string | null;
  readonly nbf: number;
  readonly exp: number;
}

interface Retired {
  readonly entry: Entry;
  /** Until when (ms) tokens it signed may still be presented. */
  readonly until: number;
}

/** The published key set (RFC 7517 JWKS with writ's members; docs/keys.md). */
export interface WritJwks {
  readonly keys: ReadonlyArray<Record<string, JsonValue>>;
}

/** Current, next and still-valid retired keys; also the KeySet the verify role uses. */
export class KeyRing implements KeySet {
  private current: Entry;
  private next: Entry | null = null;
  private retired: Retired[] = [];
  private timer: NodeJS.Timeout | null = null;
  private certifying: Promise<void> | null = null;
  /** The signer tokens are minted with; reads the current key at each call (mint is synchronous). */
  readonly signer: Signer;
  /** Other replicas' keys, by their certification under this ring's root (tokens' `wcrt`). */
  private readonly peers: CertifiedKeys;

  private constructor(
    private readonly opts: KeyRingOptions,
    first: Entry,
  ) {
    this.current = first;
    this.peers = new CertifiedKeys(new Map([[opts.root.kid, opts.root.publicKey]]));
    const current = (): Entry => this.current;
    this.signer = {
      get kid() {
        return current().signer.kid;
      },
      get publicKey() {
        return current().signer.publicKey;
      },
      get certification() {
        return current().certification;
      },
      sign: (data) => current().signer.sign(data),
    };
  }

  /** Builds the ring: records the root, and with rotation on certifies the first and next keys. */
  static async create(opts: KeyRingOptions): Promise<KeyRing> {
    const root = opts.root;
    opts.onKeyEvent?.({
      type: 'audit.key-added',
      kid: root.kid,
      jwk: publicJwk(root.publicKey),
      role: 'root',
      root_kind: root.kind,
      issuer: null,
      certification: null,
    });
    if (opts.rotateEveryMs === 0) {
      if (!('signer' in root))
        throw new TypeError('a KMS root needs key rotation (short-lived signing keys)');
      const signer = (root as ReturnType<typeof localRoot>).signer;
      return new KeyRing(opts, { signer, certification: null, nbf: 0, exp: Number.MAX_SAFE_INTEGER });
    }
    const ring = new KeyRing(opts, await KeyRing.certify(opts, opts.now()));
    await ring.prepareNext();
    return ring;
  }

  /** Generates a key and has the root certify it for two periods plus one of grace. */
  private static async certify(opts: KeyRingOptions, fromMs: number): Promise<Entry> {
    const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
    const nbf = Math.floor(fromMs / 1000);
    // Next for one period, current for one, plus a period of grace if the root is slow to certify.
    const exp = nbf + Math.ceil((3 * opts.rotateEveryMs) / 1000);
    const input = certificationInput(opts.root.kid, signer.publicKey, nbf, exp);
    const sig = await opts.root.sign(Buffer.from(input, 'ascii'));
    const certification = `${input}.${Buffer.from(sig).toString('base64url')}`;
    const entry = { signer, certification, nbf, exp };
    opts.onKeyEvent?.({
      type: 'audit.key-added',
      kid: signer.kid,
      jwk: publicJwk(signer.publicKey),
      role: 'signing',
      root_kind: opts.root.kind,
      issuer: opts.root.kid,
      certification,
    });
    return entry;
  }

  private prepareNext(): Promise<void> {
    this.certifying ??= KeyRing.certify(this.opts, this.opts.now())
      .then((e) => {
        this.next = e;
      })
      .finally(() => {
        this.certifying = null;
      });
    return this.certifying;
  }

  /**
   * Makes the pre-published next key current, keeps the old one verifying for token ttl + skew, and
   * certifies a new next key. Without a next key (the root was unreachable) the current key stays.
   */
  async rotate(): Promise<boolean> {
    this.prune();
    if (this.opts.rotateEveryMs === 0) return false;
    if (this.next === null) {
      await this.prepareNext().catch((err: unknown) => this.opts.onError?.(err));
      if (this.next === null) {
        if (this.current.exp * 1000 <= this.opts.now())
          this.opts.onError?.(
            new Error(
              `the certification of signing key ${this.current.signer.kid} has expired: other replicas refuse its tokens (ERR_TOKEN_CERT_EXPIRED) until the root certifies a new key`,
            ),
          );
        return false;
      }
    }
    const old = this.current;
    this.current = this.next!;
    this.next = null;
    // +1 s: iat is floored to the second, so exp can be up to a second later than rotation + ttl.
    const until = this.opts.now() + (this.opts.tokenTtlSeconds + this.opts.skewSeconds + 1) * 1000;
    this.retired.push({ entry: old, until });
    await this.prepareNext().catch((err: unknown) => this.opts.onError?.(err));
    return true;
  }

  /** Drops retired keys whose tokens have all expired, recording each in the audit chain. */
  prune(): void {
    const now = this.opts.now();
    const keep: Retired[] = [];
    for (const r of this.retired) {
      if (r.until > now) keep.push(r);
      else this.opts.onKeyEvent?.({ type: 'audit.key-retired', kid: r.entry.signer.kid });
    }
    this.retired = keep;
  }

  /**
   * Rotates every `rotateEveryMs` until stop(), the first time one period after the current key was
   * certified, not one period after start(): the next key's certification runs from that moment (three
   * periods), so a start slower than a period (warm-up, a slow root) would otherwise keep each key current
   * past its certification, and other replicas would refuse its tokens (ERR_TOKEN_CERT_EXPIRED).
   */
  start(): void {
    if (this.opts.rotateEveryMs === 0 || this.timer !== null) return;
    const rotate = () => {
      this.rotate().catch((err: unknown) => this.opts.onError?.(err));
    };
    const firstInMs = Math.max(0, this.current.nbf * 1000 + this.opts.rotateEveryMs - this.opts.now());
    this.timer = setTimeout(
      () => {
        rotate();
        if (this.timer === null) return; // stopped meanwhile
        this.timer = setInterval(rotate, this.opts.rotateEveryMs);
        this.timer.unref();
      },
      Math.min(firstInMs, this.opts.rotateEveryMs),
    );
    this.timer.unref();
  }

  stop(): void {
    // clearTimeout and clearInterval clear either kind of Node timer.
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * A key of another replica sharing this root (KMS key or shared key file), as the token's `wcrt`
   * certifies it; verify-stage reaches here only for a kid `get` does not know.
   */
  certified(certification: string): CertifiedKeyCheck {
    return this.peers.check(certification);
  }

  get(kid: string): KeyObject | undefined {
    if (this.current.signer.kid === kid) return this.current.signer.publicKey;
    if (this.next?.signer.kid === kid) return this.next.signer.publicKey;
    const now = this.opts.now();
    for (const r of this.retired)
      if (r.entry.signer.kid === kid && r.until > now) return r.entry.signer.publicKey;
    return undefined;
  }

  /** The JWKS to publish: current, next, still-verifying retired keys (with certifications), and the root. */
  jwks(): WritJwks {
    const now = this.opts.now();
    const entry = (e: Entry, status: string): Record<string, JsonValue> => ({
      ...publicJwk(e.signer.publicKey),
      kid: e.signer.kid,
      alg: 'EdDSA',
      use: 'sig',
      'x-writ-status': status,
      ...(e.certification === null ? {} : { 'x-writ-cert': e.certification }),
    });
    const keys = [entry(this.current, 'current')];
    if (this.next !== null) keys.push(entry(this.next, 'next'));
    for (const r of this.retired) if (r.until > now) keys.push(entry(r.entry, 'retired'));
    if (this.opts.root.kid !== this.current.signer.kid) {
      // The root certifies; it does not sign tokens, so it is published without use: sig.
      keys.push({
        ...publicJwk(this.opts.root.publicKey),
        kid: this.opts.root.kid,
        alg: 'EdDSA',
        'x-writ-status': 'root',
        'x-writ-root-kind': this.opts.root.kind,
      });
    }
    return { keys };
  }

  /** The kids a verifier accepts now (tests, metrics). */
  kids(): { current: string; next: string | null; retired: string[] } {
    return {
      current: this.current.signer.kid,
      next: this.next?.signer.kid ?? null,
      retired: this.retired.map((r) => r.entry.signer.kid),
    };
  }
}
