/**
 * Opens the audit chain the configuration describes: the append-only file, the SIEM export tapping it, and
 * (once the signer exists) signed checkpoints, anchored at an RFC 3161 TSA when one is configured.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Counter, MetricsRegistry } from '../admin/metrics.js';
import type { ServerConfig } from '../config.js';
import type { Signer } from '../keys/signer.js';
import type { AuditLog } from '../pipeline/audit-record/audit-log.js';
import type { PipelineLogger } from '../pipeline/deps.js';
import { createTsaClient } from './anchoring/tsa-client.js';
import { withCheckpoints, type AnchoringStats, type CheckpointingAuditLog } from './checkpointer.js';
import { openFileAuditLog, type FileAuditStats } from './file-audit-log.js';
import type { SinkStats } from './siem/exporter.js';
import { siemExporterFromConfig } from './siem/from-config.js';

/** The audit chain of one writ: the log to append to, its counters, and close. */
export interface AuditPart {
  /** The chain: the file itself until `startCheckpoints`, then the checkpointing log around it. */
  readonly log: AuditLog;
  /** Wraps the file with signed checkpoints (the signer is a getter: rotation applies to the next one). */
  startCheckpoints(signer: () => Signer): CheckpointingAuditLog;
  /** Checkpoint and anchoring counters (zero before `startCheckpoints`). */
  anchoring(): AnchoringStats;
  /** SIEM export counters per sink. */
  siem(): Readonly<Record<string, SinkStats>>;
  /** Copies the anchoring and SIEM counters into /metrics at scrape time. */
  collectMetrics(metrics: MetricsRegistry): void;
  /** Closes the chain (a last checkpoint, the file), then flushes the SIEM export. */
  close(): Promise<void>;
}

const NO_ANCHORING: AnchoringStats = {
  checkpoints: 0,
  anchored: 0,
  anchorFailures: 0,
  consecutiveFailures: 0,
  backlog: 0,
  backlogDropped: 0,
  lastAnchorMs: null,
  lastCheckpointMs: null,
  unsignedRecords: 0,
};

/** Opens the audit file (creating its folder, 0700) and the SIEM export. Throws when either cannot open. */
export function openAuditFromConfig(
  config: ServerConfig,
  ctx: { readonly now: () => number; readonly log: PipelineLogger },
): AuditPart {
  mkdirSync(dirname(config.auditFile), { recursive: true, mode: 0o700 });
  const file = openFileAuditLog({
    path: config.auditFile,
    fsyncIntervalMs: config.auditFsyncMs,
    nowMs: ctx.now,
    onRecovery: (r) =>
      ctx.log.error(r, 'audit log had a torn last line: moved aside and recorded in the chain'),
  });
  let siem;
  try {
    siem = siemExporterFromConfig(config, (sink, err) =>
      ctx.log.warn({ err, sink, alert: 'siem-export-failed' }, 'SIEM export failed; retrying'),
    );
  } catch (err) {
    file.close();
    throw err;
  }
  let chain: CheckpointingAuditLog | null = null;
  return {
    get log() {
      return chain ?? file;
    },
    startCheckpoints(signer) {
      chain = withCheckpoints(file, {
        ...(siem === null
          ? {}
          : { tap: (rec, event, timeMs) => siem.enqueue({ seq: rec.seq, hash: rec.hash, timeMs, event }) }),
        signer,
        origin: `writ-audit/${config.replicaId}`,
        everyRecords: config.checkpointEvery,
        everyMs: config.checkpointIntervalS * 1000,
        ...(config.tsaUrl === ''
          ? {}
          : {
              tsa: createTsaClient({
                url: config.tsaUrl,
                trustedCaPem: readFileSync(config.tsaCaFile, 'utf8'),
              }),
            }),
        now: ctx.now,
        log: ctx.log,
      });
      return chain;
    },
    anchoring: () => chain?.stats() ?? NO_ANCHORING,
    siem: () => siem?.stats() ?? {},
    collectMetrics(metrics) {
      // One family per quantity (a gauge per field would hide counters from rate()).
      const checkpoints = metrics.gauge('writ_audit_checkpoints', 'signed checkpoints written since start');
      const anchored = metrics.gauge(
        'writ_audit_anchored_checkpoints',
        'checkpoints anchored by the TSA since start',
      );
      const anchorFailures = metrics.gauge(
        'writ_audit_anchor_failures',
        'TSA requests that failed since start',
      );
      // Non-zero: the TSA is failing now. Alert on this one.
      const failing = metrics.gauge(
        'writ_audit_anchor_consecutive_failures',
        'TSA failures since the last success',
      );
      const backlog = metrics.gauge('writ_audit_anchor_backlog', 'checkpoints waiting for a time-stamp');
      const anchorAge = metrics.gauge(
        'writ_audit_last_anchor_age_seconds',
        'seconds since the last checkpoint the TSA anchored (-1: none yet)',
      );
      const checkpointAge = metrics.gauge(
        'writ_audit_last_checkpoint_age_seconds',
        'seconds since the last signed checkpoint (-1: none yet)',
      );
      const unsigned = metrics.gauge(
        'writ_audit_unsigned_records',
        'records appended since the last signed checkpoint (no signature covers them yet)',
      );
      // The file's own counters are cumulative; counters advance by what changed since the last scrape.
      const appends = metrics.counter(
        'writ_audit_appends_total',
        'audit records written (one write(2) each)',
      );
      const appendBytes = metrics.counter('writ_audit_append_bytes_total', 'bytes of audit records written');
      const appendFailures = metrics.counter(
        'writ_audit_append_failures_total',
        'audit appends that failed (each decision became ERR_AUDIT_WRITE)',
      );
      const fsyncs = metrics.counter('writ_audit_fsyncs_total', 'fsync/fdatasync calls on the audit file');
      const fsyncFailures = metrics.counter(
        'writ_audit_fsync_failures_total',
        'fsync/fdatasync calls on the audit file that failed',
      );
      const fsyncSeconds = metrics.counter(
        'writ_audit_fsync_seconds_total',
        'seconds spent in fsync/fdatasync of the audit file',
      );
      const fsyncAge = metrics.gauge(
        'writ_audit_last_fsync_age_seconds',
        'seconds since the audit file was last made durable (-1: not yet)',
      );
      let seen: FileAuditStats = file.stats();
      const advance = (c: Counter, now: number, before: number) => {
        if (now > before) c.inc(undefined, now - before);
      };
      const siemSent = metrics.gauge('writ_siem_sent', 'audit records shipped, by sink', ['sink']);
      const siemDropped = metrics.gauge(
        'writ_siem_dropped',
        'audit records dropped from a full queue, by sink',
        ['sink'],
      );
      const siemFailures = metrics.gauge('writ_siem_failures', 'SIEM delivery failures, by sink', ['sink']);
      const siemQueued = metrics.gauge('writ_siem_queued', 'audit records waiting to ship, by sink', [
        'sink',
      ]);
      metrics.collect(() => {
        const a = chain?.stats() ?? NO_ANCHORING;
        checkpoints.set(a.checkpoints);
        anchored.set(a.anchored);
        anchorFailures.set(a.anchorFailures);
        failing.set(a.consecutiveFailures);
        backlog.set(a.backlog);
        anchorAge.set(a.lastAnchorMs === null ? -1 : Math.max(0, (ctx.now() - a.lastAnchorMs) / 1000));
        checkpointAge.set(
          a.lastCheckpointMs === null ? -1 : Math.max(0, (ctx.now() - a.lastCheckpointMs) / 1000),
        );
        unsigned.set(a.unsignedRecords);
        const f = file.stats();
        advance(appends, f.appends, seen.appends);
        advance(appendBytes, f.appendBytes, seen.appendBytes);
        advance(appendFailures, f.appendFailures, seen.appendFailures);
        advance(fsyncs, f.fsyncs, seen.fsyncs);
        advance(fsyncFailures, f.fsyncFailures, seen.fsyncFailures);
        advance(fsyncSeconds, f.fsyncSeconds, seen.fsyncSeconds);
        seen = f;
        fsyncAge.set(f.lastFsyncMs === null ? -1 : Math.max(0, (ctx.now() - f.lastFsyncMs) / 1000));
        for (const [sink, st] of Object.entries(siem?.stats() ?? {})) {
          siemSent.set(st.sent, { sink });
          siemDropped.set(st.dropped, { sink });
          siemFailures.set(st.failures, { sink });
          siemQueued.set(st.queued, { sink });
        }
      });
    },
    async close() {
      // The checkpointing log closes the file under it.
      (chain ?? file).close();
      await siem?.close();
    },
  };
}
