import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: forks isolate gRPC servers and keep file descriptors apart.
    pool: 'forks',
  },
});
