/** Architecture rules: the pipeline is pure and never reaches the transport or the network. */
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
