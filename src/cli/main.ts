#!/usr/bin/env node
/** The `writ` command: serve, demo, audit verify (and the commands later issues add). */
import { parseArgs } from 'node:util';
import { startWrit } from '../app.js';
import { ConfigError, resolveConfig, SETTINGS } from '../config.js';
import { runFleetAnchor, runFleetVerify } from '../audit/fleet.js';
import { runAuditNote } from '../audit/note.js';
import { runAuditVerify } from '../audit/verify-file.js';
import { runDemo } from './demo.js';
import { runInspect } from './inspect.js';
import { runPolicyCommand } from './policy-command.js';
import { inspectorConfigFrom } from '../pipeline/deps.js';
import { PolicyLoadError } from '../pipeline/policy/load.js';
import { loadPolicyFolder } from '../policy-files.js';

const USAGE = `usage:
  writ serve [--flag value ...]     start the check and verify roles (and admin port)
  writ demo [--check host:port --verify host:port]
                                    send the seed scenarios over gRPC and print each decision trace
  writ audit verify FILE [--keys JWKS|PEM] [--tsa-ca PEM] [--checkpoint NOTE]
                       [--max-unsigned N] [--allow-unsigned]
                                    check a hash-chained audit log offline: links, checkpoint
                                    signatures, RFC 3161 time-stamps; names the first bad record.
                                    With --keys, a log with no signed checkpoint, or more than N
                                    (1000) records after the last one, fails unless --allow-unsigned
  writ audit note FILE --keys JWKS|PEM [--seq N]
                                    print the log's last (or seq N) checkpoint as a C2SP signed note,
                                    for --checkpoint and witnesses; refuses a log that does not verify
  writ audit fleet-anchor NOTE... --keys JWKS|PEM --signing-key PEM --origin NAME
                          [--tsa-url URL --tsa-ca PEM]
                                    sign one Merkle tree over the replicas' notes and time-stamp it once
  writ audit fleet-verify FLEET.json --note NOTE --keys JWKS|PEM --fleet-keys JWKS|PEM [--tsa-ca PEM]
                                    check a replica's note is in a fleet checkpoint, offline
  writ inspect [--policy-dir DIR]   JSON lines in (tool calls), findings out, without a server
  writ policy validate DIR          load and check a policy folder (file:line:column on error)
  writ policy test DIR              run the YAML test cases in DIR/tests (non-zero exit on failure)
  writ policy explain --request FILE|- [--policy DIR] [--at ISO] [--json]
  writ policy explain --trace-id ID --audit FILE [--policy DIR] [--json]

serve flags (environment variable in brackets):
${SETTINGS.map((s) => `  --${s.flag.padEnd(20)} [${s.env}] ${s.doc} (default ${s.fallback})`).join('\n')}
`;

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
    strict: true,
  });
  const config = resolveConfig(values);
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

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: { check: { type: 'string' }, verify: { type: 'string' }, scenarios: { type: 'string' } },
      });
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
      return runPolicyCommand(rest, process.stdout, process.stderr);
    case 'inspect': {
      const { values } = parseArgs({ args: rest, options: { 'policy-dir': { type: 'string' } } });
      const config = resolveConfig(
        values['policy-dir'] === undefined ? {} : { 'policy-dir': values['policy-dir'] },
      );
      // The inspectors read the same named lists (egress allowlist, internal domains) the server uses.
      return runInspect(
        process.stdin,
        process.stdout,
        inspectorConfigFrom(loadPolicyFolder(config.policyDir)),
      );
    }
    case 'audit': {
      if (rest[0] === 'note') {
        const { values, positionals } = parseArgs({
          args: rest.slice(1),
          options: { keys: { type: 'string' }, seq: { type: 'string' } },
          allowPositionals: true,
        });
        if (positionals.length !== 1 || values.keys === undefined) break;
        const seq = values.seq === undefined ? undefined : Number(values.seq);
        if (seq !== undefined && !(Number.isSafeInteger(seq) && seq > 0)) break;
        return runAuditNote(positionals[0]!, process.stdout, process.stderr, {
          keys: values.keys,
          ...(seq === undefined ? {} : { seq }),
        });
      }
      if (rest[0] === 'fleet-anchor') {
        const { values, positionals } = parseArgs({
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
          break;
        return runFleetAnchor(positionals, process.stdout, process.stderr, {
          keys,
          signingKey,
          origin,
          ...(values['tsa-url'] === undefined ? {} : { tsaUrl: values['tsa-url'] }),
          ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        });
      }
      if (rest[0] === 'fleet-verify') {
        const { values, positionals } = parseArgs({
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
          break;
        return runFleetVerify(positionals[0]!, process.stdout, process.stderr, {
          note,
          keys,
          fleetKeys,
          ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        });
      }
      if (rest[0] !== 'verify') break;
      const { values, positionals } = parseArgs({
        args: rest.slice(1),
        options: {
          keys: { type: 'string' },
          'tsa-ca': { type: 'string' },
          checkpoint: { type: 'string', multiple: true },
          'allow-unsigned': { type: 'boolean' },
          'max-unsigned': { type: 'string' },
        },
        allowPositionals: true,
      });
      if (positionals.length !== 1) break;
      const maxUnsigned = values['max-unsigned'] === undefined ? undefined : Number(values['max-unsigned']);
      if (maxUnsigned !== undefined && !(Number.isSafeInteger(maxUnsigned) && maxUnsigned >= 0)) break;
      return runAuditVerify(positionals[0]!, process.stdout, process.stderr, {
        ...(values.keys === undefined ? {} : { keys: values.keys }),
        ...(values['allow-unsigned'] === true ? { allowUnsigned: true } : {}),
        ...(maxUnsigned === undefined ? {} : { maxUnsigned }),
        ...(values['tsa-ca'] === undefined ? {} : { tsaCa: values['tsa-ca'] }),
        ...(values.checkpoint === undefined ? {} : { checkpoint: values.checkpoint }),
      });
    }
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      break;
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof PolicyLoadError) {
      process.stderr.write(`writ: invalid policy, refusing to start:\n${err.message}\n`);
    } else if (
      err instanceof ConfigError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`writ: ${err.message}\n${USAGE}`);
    } else {
      process.stderr.write(`writ: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(2);
  },
);
