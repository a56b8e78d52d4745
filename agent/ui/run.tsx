import { render } from 'ink';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import { errorMessage } from '../../config/error-text.js';
import type { ProcessIo } from '../../config/process-io.js';
import { safeBlock, safeLine } from '../../config/terminal-text.js';
import type { AgentEngine, ResumeChoice } from '../core/engine-types.js';
import { App } from './App.js';
import { browserOpener } from './browser.js';
import { EngineProvider } from './contexts/EngineContext.js';
import { ThemeProvider } from './contexts/ThemeContext.js';
import { KeyboardProvider } from './keyboard/KeyboardContext.js';
import { themeFor } from './theme.js';

export interface TuiOptions {
  /** Set by `warden demo`: the welcome line suggests a first prompt. */
  demo?: boolean;
  /** An extra line under a device code (the demo's curl command for approving without a browser). */
  signInHint?: (prompt: DeviceCodePrompt) => string;
  /** A saved conversation to go on with (`--continue`, `--resume [ID]`). */
  resume?: ResumeChoice;
}

/** Exit code when a shutdown signal (SIGTERM, SIGHUP) ended the session. */
const SIGNALLED = 130;

/** Bracketed paste on/off: the terminal marks pasted text, so its line breaks are not Enter (keyboard/KeyboardContext). */
const PASTE_ON = '\u001B[?2004h';
const PASTE_OFF = '\u001B[?2004l';

/** Puts the terminal back the way a shell expects it, even if Ink could not. */
function restoreTerminal(ctx: ProcessIo): void {
  const stdin = ctx.stdin as ProcessIo['stdin'] & { setRawMode?: (on: boolean) => void };
  if (stdin.isTTY) stdin.setRawMode?.(false);
  if (ctx.stdout.isTTY) ctx.stdout.write(`${PASTE_OFF}\u001B[?25h`);
}

/**
 * Renders the chat TUI for an already-created engine until the user exits; returns the exit code
 * (0 for /exit or Ctrl-C twice, 1 if the UI crashed, 2 without a terminal, 130 on a shutdown signal).
 * Calls `engine.start()` once the screen is up, so "connecting…" shows; the caller closes the engine.
 */
export async function runTui(engine: AgentEngine, ctx: ProcessIo, options: TuiOptions = {}): Promise<number> {
  if (!ctx.stdin.isTTY) {
    ctx.stderr.write('warden: the chat needs an interactive terminal; use -p "prompt" for a single turn\n');
    engine.notices.listen((line) => ctx.stderr.write(`warden: ${safeLine(line)}\n`));
    return 2;
  }
  let exitCode = 0;
  // Ink only needs write/columns/rows/isTTY/resize of the streams; ProcessIo types them loosely for tests.
  const instance = render(
    <ThemeProvider value={themeFor(ctx.env)}>
      <EngineProvider value={engine}>
        <KeyboardProvider>
          <App
            demo={options.demo ?? false}
            openBrowser={browserOpener(ctx.env)}
            {...(options.signInHint && { signInHint: options.signInHint })}
            {...(options.resume && { resume: options.resume })}
          />
        </KeyboardProvider>
      </EngineProvider>
    </ThemeProvider>,
    {
      stdin: ctx.stdin as unknown as NodeJS.ReadStream,
      stdout: ctx.stdout as unknown as NodeJS.WriteStream,
      stderr: ctx.stderr as unknown as NodeJS.WriteStream,
      // Ctrl-C is ours: the first cancels the turn, the second exits.
      exitOnCtrlC: false,
      maxFps: 30,
      // Shift-Enter as its own key where the terminal speaks the kitty keyboard protocol (kitty, WezTerm, ghostty).
      kittyKeyboard: { mode: 'auto' },
    },
  );
  if (ctx.stdout.isTTY) ctx.stdout.write(PASTE_ON);
  const onShutdown = (): void => {
    exitCode = SIGNALLED;
    instance.unmount();
  };
  if (ctx.shutdownSignal.aborted) onShutdown();
  else ctx.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  // After the first frame is out: spawning stdio servers and loading the MCP SDK would delay it.
  const starting = setImmediate(() => void engine.start());
  try {
    await instance.waitUntilExit();
    return exitCode;
  } catch (error) {
    // A crash's message may quote outside text: terminal-safe, newlines kept for the stack.
    ctx.stderr.write(`warden: the chat UI crashed: ${safeBlock((error as Error | undefined)?.stack ?? errorMessage(error))}\n`);
    return 1;
  } finally {
    clearImmediate(starting);
    ctx.shutdownSignal.removeEventListener('abort', onShutdown);
    restoreTerminal(ctx);
    // The screen is gone: lines for the user from here on (closing the engine) go to stderr.
    engine.notices.listen((line) => ctx.stderr.write(`warden: ${safeLine(line)}\n`));
  }
}
