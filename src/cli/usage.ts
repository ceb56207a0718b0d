/** The `writ` command's help texts: the overview, and one page per command for `writ <command> --help`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, SETTINGS } from '../config.js';

/** writ's version, from its package.json. */
export function writVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

const SERVE = `usage: writ serve [--flag value ...]
  start the check, verify, inbound and ext_proc roles and the admin port; runs until SIGTERM or SIGINT

flags (environment variable in brackets; flags win):
${SETTINGS.map((s) => `  --${s.flag.padEnd(20)} [${s.env}] ${s.doc} (default ${s.fallback})`).join('\n')}
`;

/** One help page per command (`writ <command> --help`); keys are the command words. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  serve: SERVE,
  demo: `usage: writ demo [--check host:port --verify host:port] [--scenarios DIR]
  send the seed scenarios over gRPC and print each decision trace; without addresses, starts writ in
  process on free ports. Exit 1 when a decision differs from the scenario's expectation.
`,
  health: `usage: writ health [--host HOST] [--port PORT] [--service NAME]
  ask a running writ's gRPC health service (grpc.health.v1) on the check role; prints the status and exits
  0 when SERVING, 1 otherwise. Defaults: WRIT_CHECK_PORT (9191) on 127.0.0.1. The container image's
  HEALTHCHECK runs it.
`,
  inspect: `usage: writ inspect [--policy-dir DIR]
  read JSON lines (tool calls) on stdin, print the findings of every inspector, without a server.
  A line {"tool","arguments"} or {"http": {method, url, headers, body}}, optionally with
  "response": {status, headers, body}: the answer then runs the response path as ext_proc does (readers,
  inspectors, the policy's response_rules). Each finding says its direction (request or response).
`,
  'audit verify': `usage: writ audit verify FILE [--keys JWKS|PEM] [--tsa-ca PEM] [--checkpoint NOTE ...]
                       [--max-unsigned N] [--allow-unsigned]
  check a hash-chained audit log offline: every link, checkpoint signature and RFC 3161 time-stamp;
  names the first bad record. With --keys, a log with no signed checkpoint, or more than N (default 1000)
  records after its last one, fails unless --allow-unsigned. Exit 0 intact, 1 bad, 2 unreadable.
       writ audit verify --evidence SEAL --keys JWKS|PEM [--tsa-ca PEM]
  check an evidence report (npm run evidence) offline: the seal's signature by an audit key, every sealed
  file beside it byte for byte, and (with --tsa-ca) its RFC 3161 time-stamp.
`,
  'audit note': `usage: writ audit note FILE --keys JWKS|PEM [--seq N]
  print the log's last (or seq N) checkpoint as a C2SP signed note, for --checkpoint and witnesses;
  refuses a log that does not verify
`,
  'audit fleet-anchor': `usage: writ audit fleet-anchor NOTE... --keys JWKS|PEM --signing-key PEM --origin NAME
                              [--tsa-url URL --tsa-ca PEM]
  sign one Merkle tree over the replicas' notes and time-stamp it once
`,
  'audit fleet-verify': `usage: writ audit fleet-verify FLEET.json --note NOTE --keys JWKS|PEM --fleet-keys JWKS|PEM [--tsa-ca PEM]
  check that a replica's note is in a fleet checkpoint, offline
`,
  'policy validate': `usage: writ policy validate DIR
  load and check a policy folder; every problem is printed as file:line:column and a reason
`,
  'policy test': `usage: writ policy test DIR
  run the YAML test cases in DIR/tests/*.yaml against the policy in DIR; exit 1 when one fails
`,
  'policy explain': `usage: writ policy explain --request FILE|- [--policy DIR] [--at ISO] [--json]
       writ policy explain --trace-id ID --audit FILE [--policy DIR] [--json]
  every rule considered, every condition held or failed, and the decision: for a request (scenario form),
  or for an audited decision by its trace id
`,
};

/** The overview `writ --help` prints. */
export function overview(): string {
  const first = (text: string) => text.split('\n')[0]!.replace(/^usage: /, '');
  const describe = (text: string) =>
    text
      .split('\n')
      .find((l) => /^ {2}\S/.test(l))
      ?.trim() ?? '';
  const lines = Object.values(COMMAND_HELP).map((t) => `  ${first(t)}\n      ${describe(t)}`);
  return `usage: writ <command> [options]      (writ ${writVersion()})

commands:
${lines.join('\n')}

  writ <command> --help     that command's options
  writ --version            print the version

serve flags (environment variable in brackets):
${SETTINGS.map((s) => `  --${s.flag.padEnd(20)} [${s.env}] ${s.doc} (default ${s.fallback})`).join('\n')}
`;
}
