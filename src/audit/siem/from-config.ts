/** Builds the SIEM exporter the configuration asks for (stdout, file, syslog), or none. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, type ServerConfig } from '../../config.js';
import {
  createSiemExporter,
  fileWriter,
  streamWriter,
  type SiemExporter,
  type SiemSink,
} from './exporter.js';
import { formatSyslog, syslogWriter } from './syslog.js';

function packageVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string })
        .version ?? '0'
    );
  } catch {
    return '0';
  }
}

/** The exporter for `config`, or null when no sink is configured. */
export function siemExporterFromConfig(
  config: Pick<ServerConfig, 'siemStdout' | 'siemFile' | 'siemSyslog' | 'siemSyslogCaFile' | 'replicaId'>,
  onError: (sink: string, err: unknown) => void,
): SiemExporter | null {
  const sinks: SiemSink[] = [];
  if (config.siemStdout) sinks.push({ name: 'stdout', writer: streamWriter(process.stdout) });
  if (config.siemFile !== '') sinks.push({ name: 'file', writer: fileWriter(config.siemFile) });
  if (config.siemSyslog !== null) {
    const host = hostname();
    sinks.push({
      name: 'syslog',
      writer: syslogWriter({
        ...config.siemSyslog,
        ...(config.siemSyslogCaFile === '' ? {} : { tlsCa: readFileSync(config.siemSyslogCaFile, 'utf8') }),
      }),
      format: (o) => formatSyslog(o, host, String(process.pid)),
    });
  }
  if (sinks.length === 0) return null;
  return createSiemExporter({
    sinks,
    product: { version: packageVersion(), replica: config.replicaId },
    onError,
  });
}
