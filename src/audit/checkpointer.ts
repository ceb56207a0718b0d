/**
 * Checkpointing and anchoring around an AuditLog. The decision path only bumps a counter; checkpoints
 * are signed and appended from a timer or a deferred task, and anchored by an injected RFC 3161 TSA
 * in the background. A TSA outage delays anchoring and raises an alert; it never blocks decisions.
 */
import type { Signer } from '../keys/signer.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import type { AuditEvent } from '../pipeline/audit-record/audit-event.js';
import type { AppendedRecord, AuditLog } from '../pipeline/audit-record/audit-log.js';
import { makeCheckpoint, type AnchorEvent } from '../pipeline/audit-record/checkpoint.js';
import { recordBody } from '../pipeline/audit-record/hash-chain.js';

/** An RFC 3161 time-stamp authority, as the checkpointer sees it (src/anchoring implements it over HTTP). */
export interface TimestampAuthority {
  readonly url: string;
  /** Time-stamps SHA-256(data); resolves only with a token that was verified (imprint, nonce, chain, EKU). */
  timestamp(data: Uint8Array): Promise<{ readonly token: Uint8Array; readonly genTime: Date }>;
}

export interface CheckpointerOptions {
  /** The signer of the moment (a getter, so key rotation applies to the next checkpoint). */
  readonly signer: () => Signer;
  /** `writ-audit/<replica>`. */
  readonly origin: string;
  /** Checkpoint after this many records (0: only on the timer). */
  readonly everyRecords: number;
  /** Checkpoint at least this often when records were added (0: only by count). */
  readonly everyMs: number;
  readonly tsa?: TimestampAuthority;
  readonly now: () => number;
  readonly log: PipelineLogger;
  /** Retry backoff for an unavailable TSA: first delay and cap (ms). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Most checkpoints awaiting a time-stamp; older ones are dropped (newer ones cover them). */
  readonly maxBacklog?: number;
  /** Sees every record appended (SIEM export); must only enqueue, and its errors are ignored. */
  readonly tap?: (record: AppendedRecord, event: AuditEvent, timeMs: number) => void;
}

/** Counters for /metrics and alerts. */
export interface AnchoringStats {
  readonly checkpoints: number;
  readonly anchored: number;
  /** TSA requests that failed (unreachable, refused, or a reply that did not verify). */
  readonly anchorFailures: number;
  /** Failures since the last success: non-zero means the TSA is down now. */
  readonly consecutiveFailures: number;
  /** Checkpoints waiting for a time-stamp. */
  readonly backlog: number;
  /** Checkpoints dropped from a full backlog (still covered by a later, anchored checkpoint). */
  readonly backlogDropped: number;
  readonly lastAnchorMs: number | null;
  /** When the last signed checkpoint was written (ms since the epoch), null before the first. */
  readonly lastCheckpointMs: number | null;
  /** Records appended since that checkpoint: how much of the chain no signature covers yet. */
  readonly unsignedRecords: number;
}

/** An AuditLog that also checkpoints and anchors. */
export interface CheckpointingAuditLog extends AuditLog {
  /** Writes a checkpoint now if records were added since the last one; returns its record. */
  checkpoint(): AppendedRecord | null;
  stats(): AnchoringStats;
  /** Resolves once the backlog is empty (tests, graceful shutdown). */
  drained(): Promise<void>;
}

interface Pending {
  readonly seq: number;
  readonly hash: string;
  readonly body: Buffer;
}

/** Wraps `inner` (which must receive every append through this wrapper) with checkpoints and anchors. */
export function withCheckpoints(inner: AuditLog, opts: CheckpointerOptions): CheckpointingAuditLog {
  let sinceCheckpoint = 0;
  let deferred = false;
  let closed = false;
  const backlog: Pending[] = [];
  let anchoring = false;
  let waiters: Array<() => void> = [];
  let wake: (() => void) | null = null;
  const s = {
    checkpoints: 0,
    anchored: 0,
    anchorFailures: 0,
    consecutiveFailures: 0,
    backlogDropped: 0,
    lastAnchorMs: null as number | null,
    lastCheckpointMs: null as number | null,
  };
  const maxBacklog = opts.maxBacklog ?? 1000;
  const retryInitial = opts.retryInitialMs ?? 1000;
  const retryMax = opts.retryMaxMs ?? 60_000;

  const tap = opts.tap;
  const tapped = (rec: AppendedRecord, event: AuditEvent, timeMs: number): AppendedRecord => {
    if (tap !== undefined) {
      try {
        tap(rec, event, timeMs);
      } catch {
        // SECURITY: export is best effort; the record is already in the chain and the decision stands.
      }
    }
    return rec;
  };
  const appendChainEvent = (event: AuditEvent): AppendedRecord => {
    const timeMs = opts.now();
    return tapped(inner.append(event, timeMs), event, timeMs);
  };

  const checkpoint = (): AppendedRecord | null => {
    deferred = false;
    if (closed || sinceCheckpoint === 0) return null;
    const head = inner.head();
    const event = makeCheckpoint(opts.signer(), opts.origin, head.seq, head.hash);
    const timeMs = opts.now();
    let rec: AppendedRecord;
    try {
      rec = tapped(inner.append(event, timeMs), event, timeMs);
    } catch (err) {
      // The next decision's append fails the same way and is denied; here we only report.
      opts.log.error({ err, alert: 'audit-checkpoint-failed' }, 'audit checkpoint could not be written');
      return null;
    }
    sinceCheckpoint = 0;
    s.checkpoints++;
    s.lastCheckpointMs = timeMs;
    if (opts.tsa !== undefined) {
      const body = Buffer.from(recordBody(rec.seq, new Date(timeMs).toISOString(), rec.prev, event), 'utf8');
      backlog.push({ seq: rec.seq, hash: rec.hash, body });
      if (backlog.length > maxBacklog) {
        backlog.shift();
        s.backlogDropped++;
      }
      void anchorLoop();
    }
    return rec;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      t.unref();
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  // One loop at a time, oldest checkpoint first, so anchors appear in checkpoint order.
  const anchorLoop = async (): Promise<void> => {
    const tsa = opts.tsa;
    if (anchoring || tsa === undefined) return;
    anchoring = true;
    let delay = retryInitial;
    try {
      while (!closed && backlog.length > 0) {
        const next = backlog[0]!;
        try {
          const { token, genTime } = await tsa.timestamp(next.body);
          if (closed) break;
          const anchor: AnchorEvent = {
            type: 'audit.anchor',
            checkpoint_seq: next.seq,
            checkpoint_hash: next.hash,
            tsa: tsa.url,
            gen_time: genTime.toISOString(),
            tst: Buffer.from(token).toString('base64'),
          };
          appendChainEvent(anchor);
          if (backlog[0] === next) backlog.shift();
          s.anchored++;
          s.lastAnchorMs = opts.now();
          if (s.consecutiveFailures > 0)
            opts.log.info(
              { failures: s.consecutiveFailures, backlog: backlog.length },
              'TSA is back; anchoring backlog',
            );
          s.consecutiveFailures = 0;
          delay = retryInitial;
        } catch (err) {
          s.anchorFailures++;
          s.consecutiveFailures++;
          opts.log.error(
            { err, alert: 'tsa-unavailable', tsa: tsa.url, backlog: backlog.length, retryInMs: delay },
            'checkpoint could not be time-stamped; decisions continue, anchoring retries',
          );
          await sleep(delay);
          delay = Math.min(delay * 2, retryMax);
        }
      }
    } finally {
      anchoring = false;
      if (backlog.length === 0 || closed) {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    }
  };

  // A restart inherits a head no checkpoint of this process covers (maybe an unanchored one): cover it.
  if (inner.head().seq > 0) {
    sinceCheckpoint = 1;
    deferred = true;
    setImmediate(checkpoint);
  }

  const timer =
    opts.everyMs > 0
      ? setInterval(() => {
          checkpoint();
        }, opts.everyMs)
      : null;
  timer?.unref();

  return {
    append(event, timeMs) {
      const rec =
        tap === undefined ? inner.append(event, timeMs) : tapped(inner.append(event, timeMs), event, timeMs);
      // PERF: the hot path only counts; signing happens after the decision is answered.
      if (++sinceCheckpoint >= opts.everyRecords && opts.everyRecords > 0 && !deferred) {
        deferred = true;
        setImmediate(checkpoint);
      }
      return rec;
    },
    head: () => inner.head(),
    flush: () => inner.flush(),
    close() {
      if (closed) return;
      if (timer !== null) clearInterval(timer);
      // A final signed head, so the last records are covered by a checkpoint (anchored on next start).
      checkpoint();
      closed = true;
      wake?.();
      inner.close();
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    checkpoint,
    stats: () => ({ ...s, backlog: backlog.length, unsignedRecords: sinceCheckpoint }),
    drained() {
      if (backlog.length === 0 || closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        wake?.(); // retry now rather than after the backoff
      });
    },
  };
}
