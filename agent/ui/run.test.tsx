// First: Ink's colour support is decided when it loads; forced on, only NO_COLOR can remove colour.
import './testing/force-color.js';
import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProcessIo } from '../../config/process-io.js';
import { runTui } from './run.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTtyIn } from './testing/fake-tty.js';
import { keys, settle } from './testing/render.js';

class TtyOut extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  output = '';
  write(chunk: string): boolean {
    this.output += chunk;
    return true;
  }
}

function context(env: Record<string, string> = {}) {
  const stdin = new FakeTtyIn();
  const stdout = new TtyOut();
  const stderr = new TtyOut();
  const shutdown = new AbortController();
  const ctx = { env, stdin, stdout, stderr, shutdownSignal: shutdown.signal } as unknown as ProcessIo;
  return { ctx, stdin, stdout, stderr, shutdown };
}

// Ink patches console through `new console.Console(…)`, which vitest's console object lacks.
beforeAll(() => {
  if (!('Console' in console)) Object.defineProperty(console, 'Console', { value: Console, configurable: true });
});
afterEach(() => vi.restoreAllMocks());

describe('runTui', () => {
  it('refuses to start without an interactive terminal', async () => {
    const { ctx, stdin, stderr } = context();
    stdin.isTTY = false;
    expect(await runTui(new FakeEngine(), ctx)).toBe(2);
    expect(stderr.output).toContain('use -p "prompt"');
  });

  it('starts the engine, exits with 0 on Ctrl-C twice and gives the terminal back', async () => {
    const { ctx, stdin, stdout } = context();
    const engine = new FakeEngine();
    const done = runTui(engine, ctx, { demo: true });
    await settle();
    expect(engine.calls.start).toBe(1);
    stdin.type(keys.ctrlC);
    await settle();
    stdin.type(keys.ctrlC);
    expect(await done).toBe(0);
    expect(stdout.output).toContain('Try: reverse alpha, beta and gamma');
    expect(stdin.rawMode.at(0)).toBe(true);
    expect(stdin.rawMode.at(-1)).toBe(false);
    expect(stdout.output.endsWith('\u001B[?25h')).toBe(true);
  });

  it('exits with 0 on /exit', async () => {
    const { ctx, stdin } = context();
    const done = runTui(new FakeEngine(), ctx);
    await settle();
    stdin.type('/exit\r');
    expect(await done).toBe(0);
  });

  it('ends on a shutdown signal with 130', async () => {
    const { ctx, shutdown } = context();
    const done = runTui(new FakeEngine(), ctx);
    await settle();
    shutdown.abort();
    expect(await done).toBe(130);
  });

  it('reports a crash, returns 1 and still restores the terminal', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { ctx, stdin, stderr } = context();
    const engine = new FakeEngine();
    engine.getStatus = () => {
      throw new Error('status exploded');
    };
    expect(await runTui(engine, ctx)).toBe(1);
    expect(stderr.output).toContain('warden: the chat UI crashed: Error: status exploded');
    expect(stdin.rawMode.at(-1)).toBe(false);
  });

  /** SGR colour parameters (foreground, background, bright, extended). */
  const COLOUR = /\u001B\[(?:[\d;]*;)?(?:3\d|4\d|9[0-7]|10[0-7])(?:;[\d;]*)?m/;

  async function helpScreen(env: Record<string, string>): Promise<string> {
    const { ctx, stdin, stdout } = context(env);
    const done = runTui(new FakeEngine(), ctx);
    await settle();
    stdin.type('/help\r');
    await settle();
    stdin.type('/exit\r');
    await done;
    expect(stdout.output).toContain('/tools');
    return stdout.output;
  }

  it('writes colour codes to a colour terminal without NO_COLOR', async () => {
    // The control for the next test: the same screen on the same stream does carry colour.
    expect(await helpScreen({})).toMatch(COLOUR);
  });

  it('writes no colour codes when NO_COLOR is set', async () => {
    expect(await helpScreen({ NO_COLOR: '1' })).not.toMatch(COLOUR);
  });
});
