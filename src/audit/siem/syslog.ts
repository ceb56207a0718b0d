/**
 * Syslog shipping: RFC 5424 messages over TCP or TLS (RFC 5425) with octet-counting framing
 * (RFC 6587 §3.4.1), reconnecting with backoff. The message is the OCSF JSON event.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { JsonValue } from '../../pipeline/model/json.js';
import type { SinkWriter } from './exporter.js';

/** Private enterprise number reserved for documentation (RFC 5612); SD-ID `writ@32473`. */
const SD_ID = 'writ@32473';
const FACILITY_LOG_AUDIT = 13;

/** RFC 5424 SD-PARAM value escaping: `"`, `\` and `]` are escaped with a backslash. */
export const sdEscape = (v: string): string => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** A PRINTUSASCII token (HOSTNAME, APP-NAME, MSGID), `-` when empty; at most `max` characters. */
const token = (v: string, max: number): string => {
  const t = v.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return t === '' ? '-' : t;
};

/** Formats one RFC 5424 message: PRI from facility log audit (13) and the event's severity. */
export function formatSyslog(
  ocsf: Readonly<Record<string, JsonValue>>,
  host: string,
  procId: string,
): string {
  // Severity: 6 informational (allowed), 4 warning (denied), 3 error (failed closed).
  const severity = ocsf['status_id'] === 2 ? 3 : ocsf['action_id'] === 2 ? 4 : 6;
  const pri = FACILITY_LOG_AUDIT * 8 + severity;
  const md = (ocsf['metadata'] ?? {}) as Record<string, JsonValue>;
  const time = new Date(Number(ocsf['time'])).toISOString();
  const params: Array<[string, string]> = [
    ['class_uid', JSON.stringify(ocsf['class_uid'] ?? null)],
    ['seq', JSON.stringify(md['sequence'] ?? null)],
  ];
  if (typeof md['correlation_uid'] === 'string') params.push(['trace_id', md['correlation_uid']]);
  if (typeof ocsf['action'] === 'string') params.push(['action', ocsf['action']]);
  if (typeof ocsf['status_code'] === 'string') params.push(['code', ocsf['status_code']]);
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdEscape(v)}"`).join(' ')}]`;
  const msgId = token(typeof md['event_code'] === 'string' ? md['event_code'] : 'writ', 32);
  // The UTF-8 BOM marks MSG as UTF-8 (RFC 5424 §6.4).
  return `<${pri}>1 ${time} ${token(host, 255)} writ ${token(procId, 128)} ${msgId} ${sd} \uFEFF${JSON.stringify(ocsf)}`;
}

/** Frames a message for TCP: `<byte length> <message>` (octet counting). */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

export interface SyslogTarget {
  readonly host: string;
  readonly port: number;
  /** PEM CA for TLS (RFC 5425); absent: plain TCP. */
  readonly tlsCa?: string;
  /** Server name checked against the receiver's certificate (defaults to host). */
  readonly servername?: string;
}

/** A sink writer over one TCP/TLS connection, opened lazily and reopened after an error. */
export function syslogWriter(target: SyslogTarget): SinkWriter & { close(): void } {
  let socket: Socket | null = null;
  let connecting: Promise<Socket> | null = null;
  const open = (): Promise<Socket> =>
    (connecting ??= new Promise<Socket>((resolve, reject) => {
      const s =
        target.tlsCa === undefined
          ? netConnect({ host: target.host, port: target.port })
          : tlsConnect({
              host: target.host,
              port: target.port,
              ca: target.tlsCa,
              // SNI carries host names only (RFC 6066); an IP is still checked against the certificate.
              ...(isIP(target.servername ?? target.host) === 0
                ? { servername: target.servername ?? target.host }
                : {}),
            });
      const ready = target.tlsCa === undefined ? 'connect' : 'secureConnect';
      s.once(ready, () => {
        s.removeListener('error', reject);
        s.on('error', () => s.destroy());
        s.on('close', () => {
          if (socket === s) socket = null;
        });
        socket = s;
        resolve(s);
      });
      s.once('error', reject);
    }).finally(() => {
      connecting = null;
    }));
  return {
    async write(lines) {
      const s = socket ?? (await open());
      const frames = Buffer.concat(lines.map(octetFrame));
      await new Promise<void>((resolve, reject) => {
        s.write(frames, (err) => (err ? reject(err) : resolve()));
      });
    },
    close() {
      socket?.end();
      socket = null;
    },
  };
}
