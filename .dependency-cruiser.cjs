/**
 * Architecture rules: the pipeline is pure and never reaches the transport, the network, the file system or
 * the outer parts; those depend on it, one way. docs/architecture.md explains each rule.
 */
module.exports = {
  forbidden: [
    {
      name: 'pipeline-not-transport',
      comment: 'src/pipeline is the pure core: it must not import the gRPC transport',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/extauthz' },
    },
    {
      name: 'pipeline-no-grpc',
      comment: 'src/pipeline must not depend on @grpc/* (transport concerns stay in src/extauthz)',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: 'node_modules/@grpc/' },
    },
    {
      name: 'pipeline-no-sockets',
      comment: 'src/pipeline does I/O only through injected dependencies',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^(net|http|http2|https|dgram|tls)$', dependencyTypes: ['core'] },
    },
    {
      name: 'pipeline-no-fs',
      comment:
        'the core reads no file: policy files are read in src/policy-files.ts, audit files in src/audit',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^(fs|fs/promises)$', dependencyTypes: ['core'] },
    },
    {
      name: 'pipeline-no-timer-io',
      comment:
        'no timer-driven or process I/O in the core (the checkpointer and watchers live outside it); one deadline timer is a global',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: {
        path: '^(timers|timers/promises|child_process|worker_threads|readline|cluster|net|tls|dns)$',
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'pipeline-not-composition',
      comment: 'the core never imports the composition root, the configuration, the policy files or the CLI',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/(app|config|main|policy-files|opened-parts)[.]ts$|^src/cli/' },
    },
    {
      name: 'pipeline-ports-only',
      comment:
        'the core may name the ports of the state store and the signer, never an implementation (Redis, KMS, key files)',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/(state|keys)/', pathNot: '^src/(state/store|keys/signer)[.]ts$' },
    },
    {
      name: 'pipeline-not-identity-verifiers',
      comment:
        'identity lives in src/pipeline/identity; the verifiers that do I/O (src/identity) depend on the core, never the reverse',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/identity/' },
    },
    {
      name: 'pipeline-not-admin',
      comment: 'the admin and approval API (src/admin) is an outer part; the core never imports it',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/admin/' },
    },
    {
      name: 'pipeline-not-audit-io',
      comment:
        'the core keeps the pure audit record and hash chain (src/pipeline/audit-record); the file log, checkpointer, anchoring and SIEM export (src/audit) are outside it',
      severity: 'error',
      from: { path: '^src/pipeline' },
      to: { path: '^src/audit/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
