import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Most test files wait on real processes (servers, the CLI, a terminal) more than they compute, so
 * they run a few at a time even on 2 cores (Vitest's default there is one file at a time).
 * WARDEN_TEST_WORKERS overrides the count. The few that load the machine on purpose (thousands of
 * calls, replicas behind a balancer, slow bodies, the conformance suite's own parallel runs) run
 * afterwards, one at a time, so they neither starve the others nor measure their neighbours.
 */
const workers = Number(process.env.WARDEN_TEST_WORKERS) || Math.max(3, availableParallelism());
const alone = [
  'test/e2e/replicas-haproxy.test.ts',
  'test/integration/reliability-load.test.ts',
  'test/integration/server-slow-bodies.test.ts',
  'test/e2e/conformance-client.test.ts',
];

export default defineConfig({
  test: {
    exclude: ['node_modules', 'dist'],
    pool: 'forks',
    // Real servers on loopback start in well under a second; these bounds only catch hangs.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    env: { NO_COLOR: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.{ts,tsx}', 'agent/**/*.test.{ts,tsx}', 'auth/**/*.test.ts', 'mcp-server/**/*.test.ts'],
          exclude: ['node_modules', 'dist', ...alone],
          maxWorkers: workers,
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'alone', include: alone, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
