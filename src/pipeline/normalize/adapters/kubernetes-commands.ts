/**
 * `kubectl` and `helm` in a tool call's command lines, read as the Kubernetes operations they send: the verb,
 * the resource (`ns/prod`, `deployments.apps`), the namespace and context. The same operation ids as the API
 * path reading, so one policy rule covers both. A subcommand writ does not know (a plugin) is a delete.
 */
import type { OperationClass } from '../../model/action.js';
import type { ToolCall } from '../api/api-family.js';
import { riskiestReading, type ApiReading } from '../api/api-reading.js';
import { environmentOfName } from '../api/environment-name.js';
import { invocationsOf, type ProgramInvocation } from '../api/shell-invocations.js';
import { riskierReading } from '../../model/operation-danger.js';
import { kubernetesRequestOfPath } from './kubernetes-path.js';
import {
  readKubernetesRequest,
  resolveTypedResource,
  type KubernetesRequest,
} from './kubernetes-resources.js';

/** kubectl flags (global and per command) that take a value as the next word when not written `--f=v`. */
const KUBECTL_VALUE_FLAGS: ReadonlySet<string> = new Set([
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--user',
  '--kubeconfig',
  '-s',
  '--server',
  '--token',
  '--as',
  '--as-group',
  '--as-uid',
  '-l',
  '--selector',
  '-o',
  '--output',
  '-f',
  '--filename',
  '-k',
  '--kustomize',
  '-c',
  '--container',
  '-p',
  '--patch',
  '--patch-file',
  '--type',
  '--field-selector',
  '--grace-period',
  '--timeout',
  '--image',
  '--replicas',
  '--port',
  '--template',
  '--sort-by',
  '--chunk-size',
  '--request-timeout',
  '-L',
  '--label-columns',
  '--raw',
  '--from-literal',
  '--from-file',
  '--from-env-file',
  '--resource-version',
  '--field-manager',
  '--cascade',
  '--dry-run',
  '--tail',
  '--since',
  '--since-time',
  '--target',
  '--profile',
  '--overrides',
  '--env',
  '--restart',
  '--pod-running-timeout',
  '--address',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
  '--tls-server-name',
  '--cache-dir',
  '--password',
  '--username',
  '-v',
  '--v',
  '--role',
  '--clusterrole',
  '--serviceaccount',
  '--group',
  '--verb',
  '--resource',
  '--resource-name',
  '--duration',
  '--audience',
  '--bound-object-kind',
  '--bound-object-name',
]);

const HELM_VALUE_FLAGS: ReadonlySet<string> = new Set([
  '-n',
  '--namespace',
  '--kube-context',
  '--kubeconfig',
  '--kube-apiserver',
  '--kube-token',
  '--kube-as-user',
  '--kube-as-group',
  '--kube-ca-file',
  '--registry-config',
  '--repository-cache',
  '--repository-config',
  '-f',
  '--values',
  '--set',
  '--set-string',
  '--set-file',
  '--set-json',
  '--set-literal',
  '--version',
  '--repo',
  '--timeout',
  '-o',
  '--output',
  '--description',
  '--post-renderer',
  '--post-renderer-args',
  '--ca-file',
  '--cert-file',
  '--key-file',
  '--username',
  '--password',
  '--history-max',
  '--max',
  '--revision',
  '--cascade',
  '--deletion-propagation',
  '-l',
  '--selector',
  '--filter',
  '--name-template',
  '--burst-limit',
  '--qps',
]);

/** A command line split into flags (name -> values) and positional words, as the program's flag parser does. */
interface SplitArgs {
  readonly flags: ReadonlyMap<string, readonly string[]>;
  readonly positional: readonly string[];
}

function splitArgs(args: readonly string[], valueFlags: ReadonlySet<string>): SplitArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (name: string, value: string): void => {
    const seen = flags.get(name);
    if (seen === undefined) flags.set(name, [value]);
    else seen.push(value);
  };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    // After `--` come the words of the command run in the pod (`exec web -- sh`), not kubectl's.
    if (word === '--') break;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      if (eq !== -1) add(word.slice(0, eq), word.slice(eq + 1));
      else if (valueFlags.has(word) && i + 1 < args.length) add(word, args[++i]!);
      else add(word, '');
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // `-nprod`, `-n=prod` and `-n prod` all set -n; clustered booleans (`-it`) set each letter.
      const name = word.slice(0, 2);
      if (valueFlags.has(name)) {
        const attached = word.slice(2).replace(/^=/, '');
        if (attached.length > 0) add(name, attached);
        else if (i + 1 < args.length) add(name, args[++i]!);
        else add(name, '');
      } else for (const letter of word.slice(1)) add(`-${letter}`, '');
      continue;
    }
    positional.push(word);
  }
  return { flags, positional };
}

function flag(split: SplitArgs, ...names: string[]): string | null {
  for (const n of names) {
    const v = split.flags.get(n);
    if (v !== undefined) return v[v.length - 1] ?? '';
  }
  return null;
}

function hasFlag(split: SplitArgs, ...names: string[]): boolean {
  return names.some((n) => split.flags.has(n));
}

/** The environment a command names: its namespace's, else its context's (`--context prod-eu`). */
function environmentOf(...names: ReadonlyArray<string | null>): string | null {
  for (const n of names) {
    const env = environmentOfName(n);
    if (env !== null) return env;
  }
  return null;
}

// --- kubectl --------------------------------------------------------------------------------------------

const KUBECTL_READS: ReadonlySet<string> = new Set([
  'get',
  'describe',
  'explain',
  'top',
  'api-resources',
  'api-versions',
  'cluster-info',
  'version',
  'events',
  'diff',
  'wait',
  'completion',
  'options',
  'kustomize',
  'help',
]);

const KUBECTL_WRITES: ReadonlySet<string> = new Set([
  'apply',
  'create',
  'replace',
  'patch',
  'edit',
  'label',
  'annotate',
  'set',
  'scale',
  'autoscale',
  'expose',
  'cordon',
  'uncordon',
  'taint',
]);

/** Commands that run code in, or open a channel into, the cluster's workloads. */
const KUBECTL_EXECUTES: Readonly<Record<string, string>> = {
  exec: 'pods/exec',
  attach: 'pods/attach',
  'port-forward': 'pods/portforward',
  proxy: 'services/proxy',
  cp: 'pods/exec',
  debug: 'pods/ephemeralcontainers',
  run: 'pods',
};

const RBAC_KINDS: ReadonlySet<string> = new Set(['role', 'rolebinding', 'clusterrole', 'clusterrolebinding']);

/** `TYPE NAME...`, `TYPE/NAME...` or `TYPE1,TYPE2` after the verb: the first resource and name named. */
function targetOf(positional: readonly string[]): { typed: string | null; name: string | null } {
  const first = positional[0];
  if (first === undefined) return { typed: null, name: null };
  const slash = first.indexOf('/');
  if (slash !== -1) return { typed: first.slice(0, slash), name: first.slice(slash + 1) };
  return { typed: first.split(',')[0] ?? first, name: positional[1] ?? null };
}

function kubectlRequest(
  verb: string,
  typed: string,
  name: string | null,
  namespace: string | null,
  subresource: string | null = null,
): KubernetesRequest {
  const { group, resource } = resolveTypedResource(typed);
  const isNamespace = group === '' && resource === 'namespaces';
  return {
    verb,
    group,
    version: '',
    resource,
    subresource,
    namespace: isNamespace ? null : namespace,
    name,
  };
}

function withFacts(reading: ApiReading, environment: string | null, operation?: OperationClass): ApiReading {
  const resource = reading.resource ?? {};
  return {
    ...reading,
    operation: operation ?? reading.operation,
    resource: { ...resource, environment: resource.environment ?? environment },
  };
}

function unknownCommand(program: string, verb: string): ApiReading {
  return { operation: 'delete', apiOperation: `${program}:${verb}` };
}

/** A `--raw /api/...` call: the path read as the API server reads it, under the verb's method. */
function rawPathReading(verb: string, path: string): ApiReading {
  const method =
    verb === 'delete' ? 'DELETE' : verb === 'create' ? 'POST' : verb === 'replace' ? 'PUT' : 'GET';
  const q = path.indexOf('?');
  const pathname = q === -1 ? path : path.slice(0, q);
  const req = kubernetesRequestOfPath(method, pathname, {});
  if (req === null)
    return {
      operation: method === 'GET' ? 'unknown' : method === 'DELETE' ? 'delete' : 'admin',
      apiOperation: null,
    };
  return readKubernetesRequest(req);
}

/** The reading of one kubectl run. */
export function readKubectl(args: readonly string[]): ApiReading {
  const split = splitArgs(args, KUBECTL_VALUE_FLAGS);
  const [verb = '', ...rest] = split.positional;
  const namespace = flag(split, '-n', '--namespace');
  const context = flag(split, '--context', '--cluster');
  const allNamespaces = hasFlag(split, '-A', '--all-namespaces');
  // SECURITY: every namespace includes any production one.
  const environment = allNamespaces ? 'production' : environmentOf(namespace, context);
  // SECURITY: --as acts as another user or group: whatever the command, it is administration.
  const impersonates = hasFlag(split, '--as', '--as-group', '--as-uid');
  const reading = readKubectlVerb(verb, rest, split, namespace, environment);
  const out = impersonates ? { ...reading, operation: riskierReading(reading.operation, 'admin') } : reading;
  return withFacts(out, environment);
}

function readKubectlVerb(
  verb: string,
  rest: readonly string[],
  split: SplitArgs,
  namespace: string | null,
  environment: string | null,
): ApiReading {
  const raw = flag(split, '--raw');
  if (raw !== null && raw.length > 0) return rawPathReading(verb, raw);
  const { typed, name } = targetOf(rest);
  const fromFile = hasFlag(split, '-f', '--filename', '-k', '--kustomize');
  if (verb === '') return { operation: 'read', apiOperation: 'kubectl' };
  if (KUBECTL_READS.has(verb)) {
    if (typed === null || verb === 'api-resources' || verb === 'version' || verb === 'explain')
      return { operation: 'read', apiOperation: `kubectl:${verb}` };
    return readKubernetesRequest(kubectlRequest(name === null ? 'list' : 'get', typed, name, namespace));
  }
  if (verb === 'logs')
    return readKubernetesRequest(kubectlRequest('get', 'pods', typed ?? name, namespace, 'log'));
  if (verb === 'delete') {
    if (typed === null) return { operation: 'delete', apiOperation: fromFile ? 'kubectl:delete' : 'delete:' };
    const collection = name === null || hasFlag(split, '--all', '-l', '--selector', '--field-selector');
    const req = kubectlRequest(
      collection ? 'deletecollection' : 'delete',
      typed,
      collection ? null : name,
      namespace,
    );
    const reading = readKubernetesRequest(req);
    // `kubectl delete ns --all` deletes every namespace, production ones among them.
    const every = req.resource === 'namespaces' && collection;
    return withFacts(reading, every ? 'production' : environment);
  }
  if (verb === 'drain')
    return {
      ...readKubernetesRequest(kubectlRequest('create', 'pods', null, null, 'eviction')),
      operation: 'delete',
    };
  const exec = KUBECTL_EXECUTES[verb];
  if (exec !== undefined) {
    const [resource = 'pods', sub = null] = exec.split('/');
    const req = kubectlRequest(
      'create',
      resource,
      verb === 'run' ? (typed ?? null) : (name ?? typed),
      namespace,
      sub,
    );
    return { ...readKubernetesRequest(req), operation: 'exec' };
  }
  if (verb === 'create' && typed === 'token')
    return readKubernetesRequest(kubectlRequest('create', 'serviceaccounts', name, namespace, 'token'));
  if (KUBECTL_WRITES.has(verb)) {
    if (typed === null) return { operation: 'write', apiOperation: `kubectl:${verb}` };
    const sub = verb === 'scale' ? 'scale' : null;
    // `create role NAME`, `create clusterrolebinding NAME`: the name follows the kind.
    const target = verb === 'create' && rest.length >= 2 && !typed.includes('/') ? rest[1]! : name;
    const req = kubectlRequest(
      verb === 'apply' || verb === 'create' ? 'create' : 'patch',
      typed,
      target ?? null,
      namespace,
      sub,
    );
    const reading = readKubernetesRequest(req);
    return RBAC_KINDS.has(typed.toLowerCase()) ? { ...reading, operation: 'admin' } : reading;
  }
  if (verb === 'rollout') {
    const [sub = '', kind = null, id = null] = rest;
    const slash = kind?.indexOf('/') ?? -1;
    const typedKind = kind === null ? 'deployments' : slash === -1 ? kind : kind.slice(0, slash);
    const rolloutName = kind !== null && slash !== -1 ? kind.slice(slash + 1) : id;
    const read = sub === 'history' || sub === 'status';
    const req = kubectlRequest(read ? 'get' : 'patch', typedKind, rolloutName, namespace);
    return { ...readKubernetesRequest(req), apiOperation: `kubectl:rollout ${sub}` };
  }
  if (verb === 'auth') {
    const sub = rest[0] ?? '';
    if (sub === 'can-i' || sub === 'whoami')
      return { operation: 'read', apiOperation: `kubectl:auth ${sub}` };
    return { operation: 'admin', apiOperation: `kubectl:auth ${sub}` };
  }
  if (verb === 'certificate')
    return { operation: 'admin', apiOperation: `kubectl:certificate ${rest[0] ?? ''}` };
  if (verb === 'config') {
    const sub = rest[0] ?? '';
    const read = sub === 'view' || sub.startsWith('get-') || sub === 'current-context';
    return { operation: read ? 'read' : 'write', apiOperation: `kubectl:config ${sub}` };
  }
  if (verb === 'plugin')
    return { operation: rest[0] === 'list' ? 'read' : 'exec', apiOperation: 'kubectl:plugin' };
  return unknownCommand('kubectl', verb);
}

// --- helm -----------------------------------------------------------------------------------------------

const HELM_CLASSES: Readonly<Record<string, OperationClass>> = {
  list: 'read',
  ls: 'read',
  status: 'read',
  get: 'read',
  history: 'read',
  hist: 'read',
  show: 'read',
  inspect: 'read',
  search: 'read',
  template: 'read',
  lint: 'read',
  version: 'read',
  env: 'read',
  verify: 'read',
  completion: 'read',
  help: 'read',
  install: 'write',
  upgrade: 'write',
  rollback: 'write',
  package: 'write',
  push: 'write',
  pull: 'write',
  fetch: 'write',
  create: 'write',
  dependency: 'write',
  dep: 'write',
  registry: 'write',
  uninstall: 'delete',
  un: 'delete',
  delete: 'delete',
  del: 'delete',
  test: 'exec',
};

/** Commands that act on charts, repositories or plugins rather than on a release. */
const HELM_NOT_RELEASE: ReadonlySet<string> = new Set([
  'repo',
  'plugin',
  'dependency',
  'dep',
  'search',
  'package',
  'push',
  'pull',
  'fetch',
  'create',
  'lint',
  'template',
  'show',
  'inspect',
  'version',
  'env',
  'verify',
  'completion',
  'help',
  'registry',
]);

/** `helm repo list`, `helm plugin install`: the class of a command with its own subcommands. */
function helmSubcommand(verb: string, sub: string): OperationClass | null {
  if (verb === 'repo') return sub === 'list' || sub === 'ls' ? 'read' : sub === '' ? 'read' : 'write';
  if (verb === 'plugin') return sub === 'list' || sub === 'ls' || sub === '' ? 'read' : 'exec';
  if (verb === 'dependency' || verb === 'dep') return sub === 'list' || sub === 'ls' ? 'read' : 'write';
  return null;
}

/** The reading of one helm run. */
export function readHelm(args: readonly string[]): ApiReading {
  const split = splitArgs(args, HELM_VALUE_FLAGS);
  const [verb = '', ...rest] = split.positional;
  const namespace = flag(split, '-n', '--namespace');
  const context = flag(split, '--kube-context');
  const release = verb === 'install' && hasFlag(split, '--generate-name') ? null : (rest[0] ?? null);
  const environment = hasFlag(split, '-A', '--all-namespaces')
    ? 'production'
    : environmentOf(namespace, context, release);
  const operation = helmSubcommand(verb, rest[0] ?? '') ?? HELM_CLASSES[verb] ?? null;
  // SECURITY: --kube-as-user acts as another identity: administration whatever the command.
  const impersonates = hasFlag(split, '--kube-as-user', '--kube-as-group');
  if (verb === '') return { operation: 'read', apiOperation: 'helm' };
  if (operation === null) return withFacts(unknownCommand('helm', verb), environment);
  const onRelease = !HELM_NOT_RELEASE.has(verb);
  return {
    operation: impersonates ? riskierReading(operation, 'admin') : operation,
    apiOperation: `helm:${verb}`,
    resource: onRelease
      ? { kind: 'helm-release', id: release, owner: namespace, environment }
      : { environment },
  };
}

const PROGRAMS: ReadonlySet<string> = new Set(['kubectl', 'helm', 'oc', 'k']);

function readInvocation(run: ProgramInvocation): ApiReading {
  return run.program === 'helm' ? readHelm(run.args) : readKubectl(run.args);
}

/** The riskiest kubectl/helm run in a tool call's command lines (`oc` is OpenShift's kubectl), or null. */
export function readKubernetesCommands(call: ToolCall): ApiReading | null {
  return riskiestReading(invocationsOf(call, PROGRAMS).map((run) => readInvocation(run)));
}
