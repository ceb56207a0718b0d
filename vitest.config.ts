import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: forks isolate gRPC servers and keep file descriptors apart.
    pool: 'forks',
    // In CI also write a JSON summary, so .ci/run can print one plain "N passed, N failed" line per runtime.
    reporters:
      process.env['CI'] === 'true'
        ? ['default', ['json', { outputFile: '.vitest-results.json' }]]
        : ['default'],
  },
});
