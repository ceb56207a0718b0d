/** Builds the key ring from configuration: the root (local key or KMS) and its short-lived token keys. */
import type { ServerConfig } from '../config.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { KeyRing, type KeyEvent, type RootSigner } from './key-ring.js';
import { createRootSigner } from './root-signer.js';
import type { Signer } from './signer.js';

/** The key ring; every key change goes to `onKeyEvent` (the audit chain). Not started: call `start()`. */
export async function keyRingFromConfig(
  config: ServerConfig,
  ctx: {
    /** A root to use instead of the configured one (tests: a KMS signer against a loopback fake). */
    readonly root?: RootSigner;
    /** A local signer to use as the root instead of the key file. */
    readonly signer?: Signer;
    readonly now: () => number;
    readonly log: PipelineLogger;
    readonly onKeyEvent: (event: KeyEvent) => void;
    /** Counts failed certifications by the root (a KMS outage shows here before tokens stop verifying). */
    readonly signerErrors?: { inc(): void };
  },
): Promise<KeyRing> {
  const root = ctx.root ?? (await createRootSigner(config, ctx.signer));
  return KeyRing.create({
    root,
    now: ctx.now,
    tokenTtlSeconds: config.tokenTtlSeconds,
    skewSeconds: config.clockSkewSeconds,
    rotateEveryMs: config.keyRotationS * 1000,
    onKeyEvent: ctx.onKeyEvent,
    onError: (err) => {
      ctx.signerErrors?.inc();
      ctx.log.error({ err, alert: 'key-certification-failed' }, 'key rotation postponed');
    },
  });
}
