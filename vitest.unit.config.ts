import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:unit`: the suites that start no CLI and need no build (test/unit and the tests
 * beside the code), in under a minute on 2 cores. Most share one module graph per worker (Ink,
 * React and the SDKs load once, not once a file: that was two thirds of the time). A file that
 * prepares the process before its imports (testing/force-color.js, for chalk) still gets its own.
 * `npm test` runs everything, each file isolated, with vitest.config.ts.
 */

const UNIT = ['test/unit/**/*.test.{ts,tsx}', 'agent/**/*.test.{ts,tsx}', 'auth/**/*.test.ts', 'mcp-server/**/*.test.ts'];

/** Test files under `dir` that import the force-color preparation. */
function preparingProcess(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.test\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file, 'utf8').includes('testing/force-color.js'));
}

const OWN_MODULES = ['agent', 'test/unit', 'auth', 'mcp-server'].flatMap(preparingProcess);

// The shared settings (pool, timeouts, NO_COLOR), without the whole suite's file list.
const { include: _everything, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: UNIT,
    projects: [
      { test: { ...shared, name: 'unit', include: UNIT, exclude: ['node_modules', 'dist', ...OWN_MODULES], isolate: false } },
      { test: { ...shared, name: 'unit (own modules)', include: OWN_MODULES } },
    ],
  },
});
