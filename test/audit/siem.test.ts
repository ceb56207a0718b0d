/** SIEM export: the OCSF mapping, RFC 5424 formatting, and shipping to real receivers on loopback (TCP, TLS, file). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioCheckRequest } from '../../src/cli/scenario.js';
import { createSiemExporter, fileWriter } from '../../src/audit/siem/exporter.js';
import { toOcsf, type ExportRecord } from '../../src/audit/siem/ocsf.js';
import { formatSyslog, sdEscape, syslogWriter } from '../../src/audit/siem/syslog.js';
import type { DecisionEvent } from '../../src/pipeline/audit-record/audit-event.js';
import { startTestWrit } from '../support/writ-server.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-siem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const product = { version: '0.1.0', replica: 'r1' };

function decision(i: number, over: Partial<DecisionEvent> = {}): ExportRecord {
  const event: DecisionEvent = {
    type: 'decision',
    trace_id: `trace-${i}`,
    role: 'check',
    decision: 'ALLOW',
    code: 'POLICY_ALLOW',
    rules: ['allow-reads'],
    policy_version: 'v1',
    subject: 'spiffe://cluster.local/ns/agents/sa/a',
    adapter: 'mcp',
    tool: 'query_db',
    operation: 'read',
    method: 'POST',
    host: 'mcp.tools.svc.cluster.local',
    path: '/mcp',
    query_sha256: null,
    body_sha256: 'abc',
    body_bytes: 10,
    action_hash: 'ah',
    token_id: 'jti',
    findings: [],
    ...over,
  };
  return { seq: i, hash: 'f'.repeat(64), timeMs: Date.UTC(2026, 0, 5) + i, event };
}

/** A real syslog receiver: parses RFC 6587 octet-counted frames from every connection. */
function frameParser(onMessage: (m: string) => void) {
  return (socket: Socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp === -1) return;
        const len = Number(buf.subarray(0, sp).toString('ascii'));
        if (!Number.isInteger(len) || len <= 0) throw new Error('bad frame');
        if (buf.length < sp + 1 + len) return;
        onMessage(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    });
  };
}

const listen = (server: NetServer, port = 0) =>
  new Promise<number>((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : port);
    });
  });
const close = (server: NetServer) => new Promise<void>((r) => server.close(() => r()));

const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) writ (\S+) (\S+) (\[writ@32473(?: [a-z_]+="(?:[^"\\\]]|\\["\\\]])*")+\]) \uFEFF(.+)$/s;

describe('OCSF mapping (API Activity 6003, Security Control profile)', () => {
  it('maps allow, deny and errors, with activity from the operation and severity from the findings', () => {
    const allow = toOcsf(decision(1), product);
    expect(allow).toMatchObject({
      class_uid: 6003,
      category_uid: 6,
      activity_id: 2,
      type_uid: 600302,
      action_id: 1,
      disposition_id: 1,
      status_id: 1,
      severity_id: 1,
      actor: { user: { uid: 'spiffe://cluster.local/ns/agents/sa/a' } },
      api: { operation: 'query_db', request: { uid: 'trace-1' } },
      metadata: { version: '1.3.0', correlation_uid: 'trace-1', sequence: 1, product: { name: 'writ' } },
      unmapped: { writ: { rules: ['allow-reads'], action_hash: 'ah', token_id: 'jti', chain_seq: 1 } },
    });
    const deny = toOcsf(
      decision(2, {
        decision: 'DENY',
        code: 'POLICY_DENY',
        operation: 'delete',
        findings: [
          { id: 'secrets.aws-key', severity: 'high', path: '$.a', evidence: 'AKIA…', occurrences: 1 },
          { id: 'pii.email', severity: 'low', path: '$.b', evidence: 'a…@…', occurrences: 1 },
        ],
      }),
      product,
    );
    expect(deny).toMatchObject({
      activity_id: 4,
      type_uid: 600304,
      action_id: 2,
      action: 'Denied',
      severity_id: 4,
    });
    const err = toOcsf(
      decision(3, { decision: 'DENY', code: 'ERR_AUDIT_WRITE', message: 'disk full' }),
      product,
    );
    expect(err).toMatchObject({
      status_id: 2,
      status: 'Failure',
      status_code: 'ERR_AUDIT_WRITE',
      status_detail: 'disk full',
    });
    const ckpt = toOcsf(
      { seq: 9, hash: 'h', timeMs: 0, event: { type: 'audit.checkpoint', size: 8 } },
      product,
    );
    expect(ckpt).toMatchObject({
      activity_id: 99,
      type_uid: 600399,
      metadata: { event_code: 'audit.checkpoint' },
    });
  });
});

describe('RFC 5424 syslog', () => {
  it('formats a well-formed message with escaped structured data', () => {
    const o = toOcsf(decision(4, { decision: 'DENY', code: 'POLICY_DENY', trace_id: 'a"b]c\\d' }), product);
    const m = formatSyslog(o, 'host-1', '42');
    const parts = RFC5424.exec(m);
    expect(parts).not.toBeNull();
    expect(Number(parts![1])).toBe(13 * 8 + 4); // log audit, warning (denied)
    expect(parts![6]).toContain(`trace_id="${sdEscape('a"b]c\\d')}"`);
    expect(JSON.parse(parts![7]!)).toMatchObject({ class_uid: 6003, action_id: 2 });
  });

  it('ships every event, in order, to a real TCP receiver; survives the receiver starting late', async () => {
    const received: string[] = [];
    const probe = createNetServer();
    const port = await listen(probe);
    await close(probe); // nothing listens yet: the exporter must retry, not drop or block
    const writer = syslogWriter({ host: '127.0.0.1', port });
    const exporter = createSiemExporter({
      sinks: [{ name: 'syslog', writer, format: (o) => formatSyslog(o, 'h', '1') }],
      product,
      retryInitialMs: 20,
      retryMaxMs: 50,
    });
    const t0 = performance.now();
    for (let i = 1; i <= 200; i++) exporter.enqueue(decision(i));
    expect(performance.now() - t0).toBeLessThan(100); // enqueue never waits on the network
    await new Promise((r) => setTimeout(r, 100));
    expect(exporter.stats()['syslog']!.failures).toBeGreaterThan(0);
    expect(exporter.stats()['syslog']!.queued).toBe(200);
    const receiver = createNetServer(frameParser((m) => received.push(m)));
    await listen(receiver, port);
    try {
      await exporter.idle();
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(200);
      const seqs = received.map((m) => {
        const p = RFC5424.exec(m);
        expect(p).not.toBeNull();
        return (JSON.parse(p![7]!) as { metadata: { sequence: number } }).metadata.sequence;
      });
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(exporter.stats()['syslog']).toMatchObject({ sent: 200, dropped: 0, queued: 0 });
    } finally {
      await exporter.close();
      await close(receiver);
    }
  });

  it('ships over TLS to a receiver whose certificate chains to the configured CA, and not otherwise', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=syslog',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const received: string[] = [];
    const server = createTlsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      frameParser((m) => received.push(m)),
    );
    const port = await listen(server);
    const ship = async (ca: string) => {
      const exporter = createSiemExporter({
        sinks: [
          {
            name: 'syslog',
            writer: syslogWriter({ host: '127.0.0.1', port, tlsCa: ca }),
            format: (o) => formatSyslog(o, 'h', '1'),
          },
        ],
        product,
        retryInitialMs: 20,
      });
      for (let i = 1; i <= 5; i++) exporter.enqueue(decision(i));
      await Promise.race([exporter.idle(), new Promise((r) => setTimeout(r, 500))]);
      const s = exporter.stats()['syslog']!;
      await exporter.close();
      return s;
    };
    try {
      expect(await ship(readFileSync(join(dir, 'cert.pem'), 'utf8'))).toMatchObject({ sent: 5 });
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(5);
      // A CA the receiver's certificate does not chain to: nothing is sent.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          'k2.pem',
          '-out',
          'other.pem',
          '-days',
          '1',
          '-subj',
          '/CN=other',
        ],
        { cwd: dir, stdio: 'pipe' },
      );
      const refused = await ship(readFileSync(join(dir, 'other.pem'), 'utf8'));
      expect(refused.sent).toBe(0);
      expect(refused.failures).toBeGreaterThan(0);
      expect(received).toHaveLength(5);
    } finally {
      await close(server);
    }
  });

  it('bounds the queue: a dead receiver makes the exporter drop and count, never grow', async () => {
    const exporter = createSiemExporter({
      sinks: [{ name: 'syslog', writer: syslogWriter({ host: '127.0.0.1', port: 9 }) }],
      product,
      maxQueue: 10,
      retryInitialMs: 1000,
    });
    for (let i = 1; i <= 100; i++) exporter.enqueue(decision(i));
    expect(exporter.stats()['syslog']).toMatchObject({ dropped: 90, queued: 10 });
    await exporter.close();
  });
});

describe('file export through a running writ', () => {
  it('writes each decision as an OCSF JSON line', async () => {
    const file = join(dir, 'siem.jsonl');
    const t = await startTestWrit({ 'siem-file': file });
    try {
      await t.check.check(
        scenarioCheckRequest({
          mcp: { tool: 'query_db', arguments: { database: 'analytics-replica', query: 'SELECT 1' } },
        }),
      );
    } finally {
      await t.stop(); // flushes the exporter
    }
    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown> & { metadata: { event_code: string } });
    const d = events.find((e) => e.metadata.event_code === 'decision');
    expect(d).toMatchObject({ class_uid: 6003, api: { operation: 'query_db' }, action: 'Allowed' });
    // The file writer alone, too: one JSON object per line.
    const direct = join(dir, 'direct.jsonl');
    const ex = createSiemExporter({ sinks: [{ name: 'file', writer: fileWriter(direct) }], product });
    ex.enqueue(decision(1));
    await ex.close();
    expect(JSON.parse(readFileSync(direct, 'utf8').trim())).toMatchObject({ class_uid: 6003 });
  });
});
