/**
 * Child process for the start-up benchmark: `node import-cost-child.js <specifier>…` imports each
 * specifier in turn (bare package names resolve from the repository's node_modules; paths are
 * relative to the repository root) and prints one JSON line: ms per import, in order, so a later
 * import only pays for what the earlier ones did not load already.
 */
import { performance } from 'node:perf_hooks';

const ROOT = new URL('../../../', import.meta.url);

async function main(): Promise<void> {
  const timings: { specifier: string; ms: number }[] = [];
  for (const specifier of process.argv.slice(2)) {
    const target = specifier.startsWith('.') || specifier.startsWith('/') ? new URL(specifier, ROOT).href : specifier;
    const started = performance.now();
    await import(target);
    timings.push({ specifier, ms: performance.now() - started });
  }
  process.stdout.write(`${JSON.stringify({ sinceStartMs: performance.now(), timings })}\n`);
}

await main();
