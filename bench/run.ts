import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_MODULES } from './modules.js';
import { formatKeyFigure, formatTable } from './report.js';
import type { BenchContext, BenchModule, KeyFigure } from './types.js';

const USAGE = `Usage: npm run bench [-- --only name[,name…]] [--quick] [--baseline DIR] [--candidate DIR] [--list]

Runs each benchmark in turn and prints its figures and the ratios measured in the same run.
Goals are reported as met or missed; a missed goal never fails the run.

  --only NAMES    run only these benchmarks (comma list; see --list)
  --quick         short measurements (a smoke run; noisier figures)
  --baseline DIR  another built checkout of Warden to measure beside this one (server-throughput, startup)
  --candidate DIR a built checkout to measure in place of this one (same modules; e.g. a commit
                  against its parent with --baseline)
  --list          list the benchmarks and exit`;

/** dist/bench/run.js → the repository root. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function selectModules(only: string | undefined): BenchModule[] {
  if (only === undefined) return [...BENCH_MODULES];
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !BENCH_MODULES.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (have: ${BENCH_MODULES.map((m) => m.name).join(', ')})`);
  return BENCH_MODULES.filter((m) => names.includes(m.name));
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean' },
      baseline: { type: 'string' },
      candidate: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const m of BENCH_MODULES) console.log(`${m.name.padEnd(20)} ${m.title}`);
    return 0;
  }
  const modules = selectModules(values.only);
  const workDir = join(ROOT, '.bench', 'run');
  mkdirSync(workDir, { recursive: true });
  const quick = values.quick === true;

  console.log(`Warden benchmarks${quick ? ' (quick mode)' : ''} — ${new Date().toISOString()}\nMachine: ${machine()}\nLogs: ${workDir}\n`);
  const summary: { module: string; figure: KeyFigure }[] = [];
  const skipped: string[] = [];
  let crashed = 0;
  const started = performance.now();
  for (const module of modules) {
    console.log(`== ${module.name}: ${module.title}`);
    const ctx: BenchContext = {
      quick,
      root: ROOT,
      workDir,
      progress: (line) => process.stderr.write(`   [${module.name}] ${line}\n`),
      ...(values.baseline !== undefined && { baseline: resolve(values.baseline) }),
      ...(values.candidate !== undefined && { candidate: resolve(values.candidate) }),
    };
    const moduleStarted = performance.now();
    try {
      const outcome = await module.run(ctx);
      if (outcome.status === 'skipped') {
        console.log(`skipped: ${outcome.reason}`);
        skipped.push(`${module.name}: ${outcome.reason}`);
      } else {
        for (const table of outcome.figures) console.log(`\n${formatTable(table)}`);
        if (outcome.keyFigures.length) console.log(`\n${outcome.keyFigures.map((f) => `  ${formatKeyFigure(f)}`).join('\n')}`);
        if (outcome.notes.length) console.log(`\n${outcome.notes.map((n) => `  - ${n}`).join('\n')}`);
        summary.push(...outcome.keyFigures.map((figure) => ({ module: module.name, figure })));
      }
    } catch (error) {
      crashed++;
      console.log(`FAILED to measure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.log(`(${((performance.now() - moduleStarted) / 1000).toFixed(1)} s)\n`);
  }

  console.log('== Summary');
  for (const { module, figure } of summary) console.log(`  [${module}] ${formatKeyFigure(figure)}`);
  for (const line of skipped) console.log(`  skipped ${line}`);
  console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  // Only a benchmark that could not measure fails the run; a missed goal is a figure, not an error.
  return crashed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
