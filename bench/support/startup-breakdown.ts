import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FigureTable } from '../types.js';
import { timeInPty, timeToExit } from './process-timing.js';
import { round, summarize } from './stats.js';

/** The chat's import chain in the order `warden` loads it (config, engine, TUI; the sign-in module once the TUI is up). */
const CHAIN = ['./dist/config/load.js', './dist/agent/config.js', './dist/agent/core/engine.js', './dist/agent/ui/run.js', './dist/auth/login/index.js'];
/** Heavy packages, each alone in a fresh process. */
const PACKAGES = ['ink', 'es-toolkit/compat', 'react', 'zod', '@modelcontextprotocol/client', '@azure/msal-node', '@anthropic-ai/sdk'];

/** The least any Ink TUI pays: load Ink and React, render one line. */
const FLOOR_APP = `import { render, Text } from 'ink';
import React from 'react';
render(React.createElement(Text, null, 'Type a message'));
setTimeout(() => process.exit(0), 10000);
`;

interface ImportTimes {
  sinceStartMs: number;
  timings: { specifier: string; ms: number }[];
}

async function importTimes(root: string, env: Record<string, string>, cwd: string, specifiers: string[]): Promise<ImportTimes> {
  const proc = spawn(process.execPath, [join(root, 'dist/bench/support/import-cost-child.js'), ...specifiers], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  if (code !== 0) throw new Error(`import-cost-child ${specifiers.join(' ')} exited with ${String(code)}`);
  return JSON.parse(out) as ImportTimes;
}

/** Import times: the chat's chain in one fresh process, and each heavy package alone in its own. */
export async function importBreakdown(root: string, env: Record<string, string>, cwd: string, repeats: number): Promise<FigureTable> {
  const chain = new Map<string, number[]>();
  const alone = new Map<string, number[]>();
  const total: number[] = [];
  const push = (map: Map<string, number[]>, key: string, ms: number): void => void map.set(key, [...(map.get(key) ?? []), ms]);
  for (let i = 0; i < repeats; i++) {
    const c = await importTimes(root, env, cwd, CHAIN);
    total.push(c.sinceStartMs);
    for (const t of c.timings) push(chain, t.specifier, t.ms);
    for (const pkg of PACKAGES) for (const t of (await importTimes(root, env, cwd, [pkg])).timings) push(alone, t.specifier, t.ms);
  }
  const p50 = (xs: number[] | undefined): number => round(summarize(xs ?? []).p50);
  return {
    title: `Where start-up goes: import() in fresh processes, ms (p50 of ${repeats})`,
    columns: ['import', 'ms'],
    rows: [
      ...CHAIN.map((s) => [`chain: ${s.replace('./dist/', '')}`, p50(chain.get(s))]),
      ['chain: process start to end of chain', p50(total)],
      ...PACKAGES.map((s) => [`alone: ${s}`, p50(alone.get(s))]),
    ],
  };
}

export interface BundleExperiment {
  /** ms from spawn to the first frame, per variant; empty when esbuild is not installed. */
  rows: { what: string; firstMs: number[]; connectedMs: number[] }[];
  bareMs: number[];
  note: string;
}

/**
 * The floor any Ink TUI pays: a one-line Ink app, as is and bundled with esbuild (a dev
 * dependency) like the shipped CLI, each timed to its first frame like the chat, interleaved
 * with `node -e 0`.
 */
export async function bundleExperiment(root: string, dir: string, env: Record<string, string>, cwd: string, runs: number): Promise<BundleExperiment> {
  const esbuild = join(root, 'node_modules/.bin/esbuild');
  if (!existsSync(esbuild)) return { rows: [], bareMs: [], note: 'Bundling experiment skipped: node_modules/.bin/esbuild is not installed.' };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Under the repository, so `ink` resolves from its node_modules.
  const floor = join(dir, 'floor.mjs');
  writeFileSync(floor, FLOOR_APP);
  const bundle = (entry: string, outdir: string): void => {
    const r = spawnSync(
      esbuild,
      [
        entry,
        '--bundle',
        '--splitting',
        '--format=esm',
        '--platform=node',
        '--target=node20',
        `--outdir=${outdir}`,
        // Ink imports it only with DEV=true.
        '--external:react-devtools-core',
        '--log-level=error',
        "--banner:js=import { createRequire as __warden_cr } from 'node:module'; const require = __warden_cr(import.meta.url);",
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`esbuild ${entry} failed: ${r.stderr}`);
  };
  bundle(floor, join(dir, 'floor'));
  const variants = [
    { what: 'ink + react, one <Text> (floor of any Ink TUI)', command: `${process.execPath} ${floor}`, connected: false },
    { what: 'ink + react, one <Text>, bundled', command: `${process.execPath} ${join(dir, 'floor/floor.js')}`, connected: false },
  ];
  const rows = variants.map((v) => ({ what: v.what, firstMs: [] as number[], connectedMs: [] as number[] }));
  const bareMs: number[] = [];
  for (let i = -1; i < runs; i++) {
    const b = await timeToExit(process.execPath, ['-e', '0'], env, cwd);
    if (i >= 0) bareMs.push(b);
    for (const [k, v] of variants.entries()) {
      const marks: Record<string, string | RegExp> = { first: 'Type a message', ...(v.connected && { connected: /connected · \d+ tools?/ }) };
      const run = await timeInPty({ command: v.command, env, cwd, marks });
      if (i < 0) continue;
      if (run.marks.first !== undefined) rows[k]?.firstMs.push(run.marks.first);
      if (run.marks.connected !== undefined) rows[k]?.connectedMs.push(run.marks.connected);
    }
  }
  return {
    rows,
    bareMs,
    note: 'The floor: a one-line Ink app, run as is and bundled like the shipped CLI (`esbuild --bundle --splitting --format=esm --platform=node`, a require shim, react-devtools-core external; see scripts/bundle.mjs), timed like the chat. What any Ink TUI pays before its own code runs.',
  };
}
