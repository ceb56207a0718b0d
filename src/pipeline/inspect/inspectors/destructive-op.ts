/** destructive-op: SQL, shell, git, cloud and Kubernetes operations that destroy data or open permissions. */
import type { Finding, Severity } from '../../model/finding.js';
import { makeFinding, type InspectionInput, type Inspector, type StringLeaf } from '../inspector.js';
import { mongoDestruction, redisDestruction, repositoryApiDelete } from '../lib/datastore-ops.js';
import { excerpt } from '../lib/redact.js';
import { isShellLeaf, isSqlLeaf } from '../lib/leaf-role.js';
import { programName, splitCommands, type SimpleCommand } from '../lib/shell-words.js';
import { analyzeSql, type SqlStatementInfo } from '../lib/sql-statements.js';
import { TAGS } from '../tags.js';

const ID = 'destructive-op';
const tags = TAGS[ID];

/** Targets whose recursive removal or permission change wrecks a host. */
const SYSTEM_TARGET =
  /^(?:\/|\/\*|~|~\/|~\/\*|\$HOME|\$HOME\/\*?|\*|\.|\.\/|\.\.|\/(?:bin|boot|dev|etc|home|lib|lib64|opt|proc|root|sbin|srv|sys|usr|var)(?:\/\*?)?)$/;

const SQL_SEVERITY: Record<string, Severity> = {
  DROP: 'critical',
  TRUNCATE: 'critical',
  GRANT: 'high',
  REVOKE: 'medium',
};

function bump(severity: Severity, production: boolean): Severity {
  if (!production) return severity;
  return severity === 'high' || severity === 'critical' ? 'critical' : 'high';
}

function sqlFinding(info: SqlStatementInfo, leaf: StringLeaf, production: boolean): Finding | null {
  const ev = excerpt(info.text);
  switch (info.verb) {
    case 'DELETE':
    case 'UPDATE': {
      if (info.filter === 'key' || info.filter === 'n/a') return null;
      // A filter on non-key columns may touch many rows: a low signal that production policy can use.
      if (info.filter === 'other')
        return makeFinding({ id: ID }, 'sql-bulk-write', 'low', leaf.path, ev, tags);
      const kind = info.verb === 'DELETE' ? 'sql-delete-without-key' : 'sql-update-without-key';
      return makeFinding({ id: ID }, kind, 'critical', leaf.path, ev, tags);
    }
    case 'DROP':
    case 'TRUNCATE':
    case 'GRANT':
    case 'REVOKE':
      return makeFinding(
        { id: ID },
        `sql-${info.verb.toLowerCase()}`,
        bump(SQL_SEVERITY[info.verb] ?? 'high', production),
        leaf.path,
        ev,
        tags,
      );
    case 'ALTER': {
      // Schema changes (even additive ones) lock tables and can lose data: high, critical on production.
      return makeFinding({ id: ID }, 'sql-alter', bump('high', production), leaf.path, ev, tags);
    }
    default:
      return null;
  }
}

function hasFlag(argv: readonly string[], short: string, long: string): boolean {
  return argv.some((a) => a === long || (/^-[A-Za-z]+$/.test(a) && a.includes(short)));
}

function nonOptions(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-'));
}

/** The destructive shell finding kind and severity for one simple command, or null. */
function classifyCommand(
  cmd: SimpleCommand,
  protectedBranches: readonly string[],
): readonly [string, Severity] | null {
  const argv = cmd.argv;
  const prog = programName(argv);
  for (const target of cmd.redirects) {
    if (/^\/dev\/(?:sd|hd|nvme|vd|xvd|mmcblk|disk|md|dm-|mapper)/.test(target))
      return ['shell-device-write', 'critical'];
  }
  switch (prog) {
    case 'rm': {
      const recursive = hasFlag(argv, 'r', '--recursive') || hasFlag(argv, 'R', '--recursive');
      if (argv.includes('--no-preserve-root')) return ['shell-rm-recursive', 'critical'];
      if (!recursive) return null;
      const systemTarget = nonOptions(argv).some((t) => SYSTEM_TARGET.test(t));
      if (systemTarget) return ['shell-rm-recursive', 'critical'];
      return ['shell-rm-recursive', hasFlag(argv, 'f', '--force') ? 'high' : 'medium'];
    }
    case 'shred':
    case 'wipefs':
    case 'mkswap':
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'blkdiscard':
      return ['shell-disk-format', 'critical'];
    case 'dd':
      return argv.some((a) => /^of=\/dev\/(?!null$|zero$|stdout$|stderr$)/.test(a))
        ? ['shell-device-write', 'critical']
        : null;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const recursive = hasFlag(argv, 'R', '--recursive');
      const targets = nonOptions(argv).slice(1);
      const systemTarget = targets.some((t) => SYSTEM_TARGET.test(t));
      const worldWritable = argv.some((a) => /^(?:0?777|a\+rwx|o\+w|ugo\+rwx)$/.test(a));
      if (recursive && systemTarget) return ['shell-permission-change', 'critical'];
      if (worldWritable && (recursive || systemTarget)) return ['shell-permission-change', 'high'];
      return null;
    }
    case 'git':
      return classifyGit(argv, protectedBranches);
    case 'kubectl':
    case 'oc': {
      // The verb is the first known one: option values (`-n prod`) come before it as bare words.
      const verb = nonOptions(argv).find((w) => w === 'delete' || w === 'drain' || w === 'scale');
      // Scaling to zero takes a workload down as surely as deleting it.
      if (
        verb === 'scale' &&
        argv.some((a, i) => a === '--replicas=0' || (a === '--replicas' && argv[i + 1] === '0'))
      )
        return ['k8s-scale-to-zero', 'high'];
      if (verb !== 'delete' && verb !== 'drain') return null;
      const broad =
        argv.some((a) => a === '--all' || a === '-A' || a === '--all-namespaces') ||
        /\b(?:ns|namespace|namespaces|pv|crd|node|nodes)\b/.test(argv.join(' '));
      return ['k8s-delete', broad ? 'critical' : 'high'];
    }
    case 'helm':
      return nonOptions(argv)[0] === 'uninstall' || nonOptions(argv)[0] === 'delete'
        ? ['k8s-delete', 'high']
        : null;
    case 'terraform':
    case 'tofu':
    case 'pulumi':
      if (nonOptions(argv)[0] === 'destroy' || argv.includes('-destroy')) return ['cloud-delete', 'critical'];
      // An apply with no plan review: whatever the change removes goes without a human seeing it.
      return ['apply', 'up'].includes(nonOptions(argv)[0] ?? '') &&
        argv.some((a) => a === '-auto-approve' || a === '--auto-approve' || a === '--yes' || a === '-y')
        ? ['cloud-unreviewed-apply', 'high']
        : null;
    case 'aws':
    case 'gcloud':
    case 'az':
    case 'gsutil':
    case 'doctl':
      return classifyCloud(prog, argv);
    case 'docker':
    case 'podman':
      return /\b(?:system|volume|image|container) prune\b/.test(argv.join(' ')) &&
        (argv.includes('-a') || argv.includes('--all') || argv.includes('--volumes'))
        ? ['container-prune', 'medium']
        : null;
    case 'redis-cli':
      return redisDestruction(redisWords(argv));
    case 'mongosh':
    case 'mongo': {
      const e = argv.findIndex((a) => a === '--eval');
      return mongoDestruction(e >= 0 ? (argv[e + 1] ?? '') : argv.slice(1).join(' '));
    }
    case 'gh':
      return nonOptions(argv)[0] === 'repo' && nonOptions(argv)[1] === 'delete'
        ? ['repository-delete', 'critical']
        : null;
    default:
      if (/^mkfs(?:\..+)?$/.test(prog)) return ['shell-disk-format', 'critical'];
      return null;
  }
}

/** redis-cli options that take a value (`-h host`, `-a password`...): skipped to reach the command words. */
const REDIS_VALUE_OPTIONS = new Set([
  '-h',
  '-p',
  '-s',
  '-a',
  '-u',
  '-n',
  '-r',
  '-i',
  '-d',
  '-D',
  '--user',
  '--pass',
]);

/** The Redis command words of a `redis-cli` invocation, options and their values left out. */
function redisWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (words.length === 0 && a.startsWith('-')) {
      if (REDIS_VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

/** IAM changes that widen access: attaching or writing policies, new keys, role bindings. */
const IAM_CHANGE =
  /^(?:attach-(?:user|role|group)-policy|put-(?:user|role|group)-policy|create-access-key|create-login-profile|update-assume-role-policy|add-user-to-group|create-policy-version|add-iam-policy-binding|set-iam-policy)$/;

function classifyCloud(prog: string, argv: readonly string[]): [string, Severity] | null {
  const words = nonOptions(argv);
  const joined = words.join(' ');
  if (prog === 'aws') {
    if (words[0] === 's3' && (words[1] === 'rb' || (words[1] === 'rm' && argv.includes('--recursive'))))
      return ['cloud-delete', 'critical'];
    if (words.some((w) => /^(?:delete-|terminate-|deregister-|remove-|purge-)/.test(w)))
      return ['cloud-delete', 'high'];
    if (words[0] === 'iam' && words.some((w) => IAM_CHANGE.test(w))) return ['cloud-iam-change', 'high'];
    if (words.some((w) => /^stop-(?:instances|db-instance|db-cluster)$/.test(w)))
      return ['cloud-stop', 'medium'];
    return null;
  }
  if (prog === 'gsutil')
    return (words[0] === 'rm' && hasFlag(argv, 'r', '--recursive')) || words[0] === 'rb'
      ? ['cloud-delete', 'critical']
      : null;
  if (/\b(?:delete|destroy|purge)\b/.test(joined)) return ['cloud-delete', 'high'];
  if (words.some((w) => IAM_CHANGE.test(w)) || /\brole assignment create\b/.test(joined))
    return ['cloud-iam-change', 'high'];
  return /\b(?:stop|deallocate|terminate)\b/.test(joined) ? ['cloud-stop', 'medium'] : null;
}

function classifyGit(
  argv: readonly string[],
  protectedBranches: readonly string[],
): [string, Severity] | null {
  const words = nonOptions(argv);
  if (words[0] !== 'push') return null;
  const force =
    argv.some(
      (a) => a === '--force' || a === '-f' || a.startsWith('--force-with-lease') || a === '--mirror',
    ) || words.some((w) => w.startsWith('+'));
  const deleting = argv.includes('--delete') || argv.includes('-d') || words.some((w) => w.startsWith(':'));
  if (!force && !deleting) return null;
  const refs = words.slice(2).map((w) =>
    w
      .replace(/^[+:]/, '')
      .replace(/^.*:/, '')
      .replace(/^refs\/heads\//, ''),
  );
  const branches = protectedBranches.length > 0 ? protectedBranches : ['main', 'master'];
  const hitsProtected = refs.length === 0 || refs.some((r) => branches.includes(r));
  const kind = deleting && !force ? 'git-branch-delete' : 'git-force-push';
  return [kind, hitsProtected ? 'critical' : 'medium'];
}

const FORK_BOMB = /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/;

function inspectShell(
  text: string,
  leaf: StringLeaf,
  input: InspectionInput,
  out: Finding[],
  depth: number,
): void {
  if (FORK_BOMB.test(text))
    out.push(makeFinding({ id: ID }, 'shell-fork-bomb', 'critical', leaf.path, excerpt(text), tags));
  for (const cmd of splitCommands(text, input.config.shell)) {
    const prog = programName(cmd.argv);
    // `bash -c "..."` and friends: the payload is one argument; read it as its own command line.
    if (depth < 2 && /^(?:ba|z|da|k|fi)?sh$/.test(prog)) {
      const c = cmd.argv.indexOf('-c');
      const inner = c >= 0 ? cmd.argv[c + 1] : undefined;
      if (inner !== undefined) inspectShell(inner, leaf, input, out, depth + 1);
    }
    const hit = classifyCommand(cmd, input.config.protectedBranches);
    if (hit !== null)
      out.push(makeFinding({ id: ID }, hit[0], hit[1], leaf.path, excerpt(cmd.argv.join(' ')), tags));
  }
}

function isProduction(input: InspectionInput): boolean {
  const prod = input.config.productionDatabases;
  const { database, environment } = input.action.resource;
  return (
    (database !== null && prod.includes(database)) ||
    (environment !== null && (prod.includes(environment) || /^prod/i.test(environment)))
  );
}

/** Flags operations that destroy data or widen access; SQL via node-sql-parser, shell as bash reads it. */
export const destructiveOpInspector: Inspector = {
  id: ID,
  version: '1.1.0',
  inspect(input: InspectionInput): readonly Finding[] {
    const out: Finding[] = [];
    const production = isProduction(input);
    const { resource, action } = input.action;
    const repo = repositoryApiDelete(action.httpMethod, resource.path);
    if (repo !== null)
      out.push(makeFinding({ id: ID }, repo[0], repo[1], '$.resource.path', excerpt(resource.path), tags));
    // A datastore tool (its name says MongoDB or Redis) receives its command as argument text.
    const store = /mongo/i.test(action.tool) ? 'mongo' : /redis/i.test(action.tool) ? 'redis' : null;
    for (const leaf of input.leaves) {
      if (leaf.value.length < 4 || leaf.path.endsWith('#key')) continue;
      if (isSqlLeaf(leaf, input.action)) {
        for (const info of analyzeSql(leaf.value)) {
          const f = sqlFinding(info, leaf, production);
          if (f !== null) out.push(f);
        }
      }
      if (isShellLeaf(leaf, input.action)) inspectShell(leaf.value, leaf, input, out, 0);
      if (store !== null) {
        const hit =
          store === 'mongo' ? mongoDestruction(leaf.value) : redisDestruction(leaf.value.trim().split(/\s+/));
        if (hit !== null)
          out.push(makeFinding({ id: ID }, hit[0], hit[1], leaf.path, excerpt(leaf.value), tags));
      }
    }
    return out;
  },
};
