import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchContext } from '../types.js';
import { childEnv } from './signed-in-stack.js';
import type { TuiChildConfig, TuiChildResult } from './tui-child.js';

/**
 * Runs bench/support/tui-child.js (the chat TUI on a fake terminal, driven by typed prompts) in
 * its own process with a clean environment plus `env`, and returns its result.
 */
export async function runTuiChild(
  ctx: BenchContext,
  config: TuiChildConfig,
  options: { env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<TuiChildResult> {
  const script = join(ctx.root, 'dist/bench/support/tui-child.js');
  // A terminal's environment: colours on (Ink writes what a real terminal gets), no CI.
  const env = childEnv(join(ctx.workDir, 'tui-home'), { TERM: 'xterm-256color', FORCE_COLOR: '3', ...options.env });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, JSON.stringify(config)], { env, cwd: ctx.workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`tui-child exited with ${String(code)}: ${err.slice(-2000)}`);
  return JSON.parse(line) as TuiChildResult;
}
