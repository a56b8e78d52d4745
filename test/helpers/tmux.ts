import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TerminalSession {
  /** The visible screen as plain text (no colours). */
  screen(): Promise<string>;
  /**
   * The scrollback and the screen as plain text, with rows the terminal wrapped itself (the
   * program wrote past the right edge) joined back into one line: a line longer than the width
   * was drawn too wide.
   */
  history(): Promise<string>;
  /** Resolves with the screen once `match` holds for it; rejects after `timeoutMs` with the last screen. */
  waitForScreen(match: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** tmux key names: 'Enter', 'Escape', 'C-c', or literal text with `{ literal: true }`. */
  sendKeys(keys: string[], options?: { literal?: boolean }): Promise<void>;
  /** Types text and presses Enter. */
  typeLine(text: string): Promise<void>;
  /** Pastes text as a terminal does: wrapped in bracketed-paste markers when the program asked for them. */
  paste(text: string): Promise<void>;
  /** Whether the program in the pane is still running. */
  alive(): Promise<boolean>;
  /** Everything the program wrote to the terminal, escape sequences included (recorded from the start). */
  output(): string;
  /** A tmux format about the pane, e.g. '#{pane_pid}' or '#{pane_dead_status}'. */
  display(format: string): Promise<string>;
  /** Resolves once the program has exited; rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
}

export interface TerminalOptions {
  command: string[];
  /** The complete environment of the program (tmux's server starts with it). */
  env: Record<string, string>;
  cwd: string;
  width?: number;
  height?: number;
}

/**
 * A terminal's environment for a program whose HOME is `home`: PATH, TERM and a UTF-8 locale, plus
 * `extra`. Nothing else is inherited; in particular no CI variable (Ink draws no live region under CI).
 */
export function terminalEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...extra };
}

/** Whether tmux is installed (`.ci/run` installs it when missing). */
export async function hasTmux(): Promise<boolean> {
  try {
    await run('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs a program in a real pseudo-terminal: a detached tmux session on a private socket, so
 * tests never touch a developer's tmux. The pane stays after the program exits so its last
 * screen can still be read.
 */
export async function startTerminal(options: TerminalOptions): Promise<TerminalSession> {
  const socket = `warden-test-${randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env: options.env, cwd: options.cwd });
  await tmux('new-session', '-d', '-s', 'main', '-x', String(options.width ?? 100), '-y', String(options.height ?? 34), options.command.map(quote).join(' '));
  await tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
  const recording = join(mkdtempSync(join(tmpdir(), 'warden-tmux-')), 'output');
  await tmux('pipe-pane', '-t', 'main', '-o', `cat >> ${quote(recording)}`);

  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'main')).stdout;

  const waitForScreen: TerminalSession['waitForScreen'] = async (match, timeoutMs = 20_000) => {
    const test = typeof match === 'function' ? match : (s: string) => match.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    // tmux has no change notification: poll the pane (a cheap local call) until the condition holds.
    while (Date.now() < deadline) {
      last = await screen();
      if (test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`screen never matched ${String(match)} within ${timeoutMs} ms; last screen:\n${last}`);
  };

  return {
    screen,
    async history() {
      return (await tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'main')).stdout;
    },
    waitForScreen,
    async sendKeys(keys, { literal = false } = {}) {
      await tmux('send-keys', '-t', 'main', ...(literal ? ['-l'] : []), ...keys);
    },
    async typeLine(text) {
      await tmux('send-keys', '-t', 'main', '-l', text);
      await tmux('send-keys', '-t', 'main', 'Enter');
    },
    async paste(text) {
      await tmux('set-buffer', '-b', 'paste', text);
      await tmux('paste-buffer', '-p', '-b', 'paste', '-t', 'main');
    },
    output() {
      try {
        return readFileSync(recording, 'utf8');
      } catch {
        return '';
      }
    },
    async display(format) {
      return (await tmux('display-message', '-p', '-t', 'main', format)).stdout.trim();
    },
    async alive() {
      const { stdout } = await tmux('display-message', '-p', '-t', 'main', '#{pane_dead}');
      return stdout.trim() !== '1';
    },
    async waitForExit(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { stdout } = await tmux('display-message', '-p', '-t', 'main', '#{pane_dead}');
        if (stdout.trim() === '1') return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the program did not exit within ${timeoutMs} ms; last screen:\n${await screen()}`);
    },
    async kill() {
      await tmux('kill-server').catch(() => undefined);
    },
  };
}
