#!/usr/bin/env node
/**
 * The `writ` command: serve, health, demo, inspect, audit, policy. Each command's code is imported when it
 * runs, so `--help`, `--version` and errors answer without loading the server.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, resolveConfig, SETTINGS } from '../config.js';
import { COMMAND_HELP, overview, writVersion } from './usage.js';
import { PolicyLoadError } from '../pipeline/policy/load.js';

/** A command line that cannot be run as written: one line, with where to look. */
class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

function usage(command: string, message: string): never {
  throw new UsageError(command, message);
}

/** The help key of a command line: one word, or two for the audit and policy groups. */
function commandKey(argv: readonly string[]): string {
  const [first = '', second = ''] = argv;
  return (first === 'audit' || first === 'policy') && !second.startsWith('-') && second !== ''
    ? `${first} ${second}`
    : first;
}

/** `--help`/`-h` anywhere after the command asks for that command's page. */
function helpFor(argv: readonly string[]): string | undefined {
  if (!argv.slice(1).some((a) => a === '--help' || a === '-h')) return undefined;
  const key = commandKey(argv);
  const page = COMMAND_HELP[key];
  if (page !== undefined) return page;
  // `writ audit --help`, `writ policy --help`: every page of the group.
  const group = Object.entries(COMMAND_HELP).filter(([k]) => k.startsWith(`${argv[0]} `));
  return group.length > 0 ? group.map(([, t]) => t).join('\n') : undefined;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parse('serve', {
    args,
    options: Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
    strict: true,
  });
  const config = resolveConfig(values);
  const { startWrit } = await import('../app.js');
  const writ = await startWrit({ config });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    writ.logger.info({ signal }, 'draining');
    writ.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => undefined); // runs until a signal
}

/** Parses with node:util, turning its errors into a one-line usage error for `command`. */
function parse<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>(config);
  } catch (err) {
    return usage(command, err instanceof Error ? err.message : String(err));
  }
}

async function health(args: string[]): Promise<number> {
  const { values } = parse('health', {
    args,
    options: { host: { type: 'string' }, port: { type: 'string' }, service: { type: 'string' } },
    strict: true,
  });
  const config = resolveConfig({});
  const port = values.port === undefined ? config.checkPort : Number(values.port);
  if (!(Number.isSafeInteger(port) && port > 0 && port < 65536))
    usage('health', `--port "${values.port ?? ''}" is not a port`);
  // A server bound to every interface is asked on loopback.
  const bound = values.host ?? config.listenHost;
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  const { checkHealth } = await import('./health.js');
  const status = await checkHealth({ host, port, service: values.service ?? '' });
  process.stdout.write(`${status}\n`);
  return status === 'SERVING' ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    process.stdout.write(`writ ${writVersion()}\n`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(overview());
    return 0;
  }
  const help = helpFor(argv);
  if (help !== undefined) {
    process.stdout.write(help);
    return 0;
  }
  switch (command) {
    case 'health':
      return health(rest);
    case 'serve':
      return serve(rest);
    case 'demo': {
      const { values } = parse('demo', {
        args: rest,
        options: { check: { type: 'string' }, verify: { type: 'string' }, scenarios: { type: 'string' } },
        strict: true,
      });
      const { runDemo } = await import('./demo.js');
      const mismatches = await runDemo(
        {
          ...(values.check === undefined ? {} : { check: values.check }),
          ...(values.verify === undefined ? {} : { verify: values.verify }),
          ...(values.scenarios === undefined ? {} : { scenarios: values.scenarios }),
        },
        process.stdout,
      );
      return mismatches === 0 ? 0 : 1;
    }
    case 'policy':
      return (await import('./policy-command.js')).runPolicyCommand(rest, process.stdout, process.stderr);
    case 'inspect': {
      const { values } = parse('inspect', {
        args: rest,
        options: { 'policy-dir': { type: 'string' } },
        strict: true,
      });
      const config = resolveConfig(
        values['policy-dir'] === undefined ? {} : { 'policy-dir': values['policy-dir'] },
      );
      // The inspectors read the same named lists (egress allowlist, internal domains) the server uses.
      const { runInspect } = await import('./inspect.js');
      const { inspectorConfigFrom } = await import('../pipeline/deps.js');
      const { loadPolicyFolder } = await import('../policy-files.js');
      const set = loadPolicyFolder(config.policyDir);
      return runInspect(process.stdin, process.stdout, inspectorConfigFrom(set), set);
    }
    case 'audit': {
      if (rest[0] === 'note') {
        const { values, positionals } = parse('audit note', {
          args: rest.slice(1),
          options: { keys: { type: 'string' }, seq: { type: 'string' } },
          allowPositionals: true,
        });
        if (positionals.length !== 1 || values.keys === undefined)
          usage('audit note', 'needs one FILE and --keys');
        const seq = values.seq === undefined ? undefined : Number(values.seq);
        if (seq !== undefined && !(Number.isSafeInteger(seq) && seq > 0))
          usage('audit note', `--seq "${values.seq}" is not a positive integer`);
        const { runAuditNote } = await import('../audit/note.js');
        return runAuditNote(positionals[0]!, process.stdout, process.stderr, {
          keys: values.keys,
          ...(seq === undefined ? {} : { seq }),
        });
      }
      if (rest[0] === 'fleet-anchor') {
        const { values, positionals } = parse('audit fleet-anchor', {
          args: rest.slice(1),
          options: {
            keys: { type: 'string' },
            'signing-key': { type: 'string' },
            origin: { type: 'string' },
            'tsa-url': { type: 'string' },
            'tsa-ca': { type: 'string' },
          },
          allowPositionals: true,
        });
        const { keys, origin } = values;
        const signingKey = values['signing-key'];
        if (
          positionals.length === 0 ||
          keys === undefined ||
          signingKey === undefined ||
          origin === undefined
        )
          usage('audit fleet-anchor', 'needs NOTE..., --keys, --signing-key and --origin');
        const { runFleetAnchor } = await import('../audit/fleet.js');
        return runFleetAnchor(positionals, process.stdout, process.stderr, {
          keys,
          signingKey,
          origin,
          ...(values['tsa-url'] === undefined ? {} : { tsaUrl: values['tsa-url'] }),
          ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        });
      }
      if (rest[0] === 'fleet-verify') {
        const { values, positionals } = parse('audit fleet-verify', {
          args: rest.slice(1),
          options: {
            note: { type: 'string' },
            keys: { type: 'string' },
            'fleet-keys': { type: 'string' },
            'tsa-ca': { type: 'string' },
          },
          allowPositionals: true,
        });
        const { note, keys } = values;
        const fleetKeys = values['fleet-keys'];
        if (positionals.length !== 1 || note === undefined || keys === undefined || fleetKeys === undefined)
          usage('audit fleet-verify', 'needs one FLEET.json, --note, --keys and --fleet-keys');
        const { runFleetVerify } = await import('../audit/fleet.js');
        return runFleetVerify(positionals[0]!, process.stdout, process.stderr, {
          note,
          keys,
          fleetKeys,
          ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        });
      }
      if (rest[0] !== 'verify')
        usage('audit', `unknown audit command "${rest[0] ?? ''}" (verify, note, fleet-anchor, fleet-verify)`);
      const { values, positionals } = parse('audit verify', {
        args: rest.slice(1),
        options: {
          keys: { type: 'string' },
          'tsa-ca': { type: 'string' },
          checkpoint: { type: 'string', multiple: true },
          'allow-unsigned': { type: 'boolean' },
          'max-unsigned': { type: 'string' },
          evidence: { type: 'string' },
        },
        allowPositionals: true,
      });
      if (values.evidence !== undefined) {
        if (positionals.length !== 0 || values.keys === undefined)
          usage('audit verify', '--evidence SEAL needs --keys and no FILE');
        const { runEvidenceVerify } = await import('../audit/evidence.js');
        return runEvidenceVerify(values.evidence, process.stdout, process.stderr, {
          keys: values.keys,
          ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        });
      }
      if (positionals.length !== 1) usage('audit verify', 'needs exactly one FILE');
      const maxUnsigned = values['max-unsigned'] === undefined ? undefined : Number(values['max-unsigned']);
      if (maxUnsigned !== undefined && !(Number.isSafeInteger(maxUnsigned) && maxUnsigned >= 0))
        usage('audit verify', `--max-unsigned "${values['max-unsigned']}" is not a whole number`);
      const { runAuditVerify } = await import('../audit/verify-file.js');
      return runAuditVerify(positionals[0]!, process.stdout, process.stderr, {
        ...(values.keys === undefined ? {} : { keys: values.keys }),
        ...(values['allow-unsigned'] === true ? { allowUnsigned: true } : {}),
        ...(maxUnsigned === undefined ? {} : { maxUnsigned }),
        ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        ...(values.checkpoint === undefined ? {} : { checkpoint: values.checkpoint }),
      });
    }
    default:
      break;
  }
  return usage('', `unknown command "${command}"`);
}

/** One line on stderr for any error, with where to look; the stack only at WRIT_LOG_LEVEL=debug. */
function reportError(err: unknown): void {
  const hint = (command: string) => (command === '' ? 'writ --help' : `writ ${command} --help`);
  if (err instanceof UsageError) {
    process.stderr.write(
      `writ${err.command ? ` ${err.command}` : ''}: ${err.message} (${hint(err.command)})\n`,
    );
  } else if (err instanceof PolicyLoadError) {
    const lines = err.message.split('\n');
    process.stderr.write(
      lines.length === 1
        ? `writ: invalid policy, refusing to start: ${lines[0]}\n`
        : `writ: invalid policy, refusing to start (${lines.length} problems):\n${err.message}\n`,
    );
  } else if (err instanceof ConfigError) {
    process.stderr.write(`writ: ${err.message} (writ serve --help lists every setting)\n`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`writ: ${message.split('\n')[0]}\n`);
    if (process.env['WRIT_LOG_LEVEL'] === 'debug' && err instanceof Error && err.stack)
      process.stderr.write(`${err.stack}\n`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    reportError(err);
    process.exit(2);
  },
);
