import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'agent/**/*.test.{ts,tsx}', 'auth/**/*.test.ts', 'mcp-server/**/*.test.ts'],
    exclude: ['node_modules', 'dist'],
    pool: 'forks',
    // Real servers on loopback start in well under a second; these bounds only catch hangs.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    env: { NO_COLOR: '1' },
  },
});
