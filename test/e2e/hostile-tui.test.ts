import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).
// Issue 11, item 3: one huge progress message must not freeze the chat, and SIGTERM must end it.
const tmuxAvailable = await hasTmux();

describe.skipIf(!tmuxAvailable)('the chat against a server that floods progress messages', () => {
  let terminal: TerminalSession | undefined;
  let hostile: HostileServer | undefined;
  afterEach(async () => {
    await terminal?.kill();
    await hostile?.close();
    terminal = hostile = undefined;
  });

  it('stays responsive with 200k-character progress messages, and SIGTERM ends it (exit 130) with the cursor shown again', async () => {
    hostile = await startHostileServer({ bigMessageChars: 200_000, stepMs: 300 });
    const env = terminalEnv(mkdtempSync(join(tmpdir(), 'warden-hostile-tui-')));
    // A shell around the CLI reports how it ended (tmux learns a pane's exit status only some of the time).
    const command = ['sh', '-c', 'node "$0" "$@"; echo "exit status $?"', CLI_PATH, '--no-auth', '--server', hostile.url];
    terminal = await startTerminal({ command, env, cwd: env.HOME!, width: 100, height: 30 });
    await terminal.waitForScreen(/connected · 3 tools/);

    await terminal.typeLine('reverse abc');
    // Its tools declare nothing, so the call asks first (the question shows nothing of the server's text).
    const question = await terminal.waitForScreen(/waiting for you[\s\S]*annotations: none declared[\s\S]*y allow once/);
    expect(question).not.toMatch(/pwned/);
    await terminal.sendKeys(['y'], { literal: true });
    // While the call runs, its pane shows the message cut to the line with an ellipsis.
    const running = await terminal.waitForScreen(/Step \d x+…/);
    expect(running).not.toMatch(/pwned/);
    // The turn completes and its final state is shown, and the input line is back.
    const done = await terminal.waitForScreen((s) => /✓ reverse "abc" · [\d.]+s · cba/.test(s) && /Enter send/.test(s), 15_000);
    expect(done).not.toMatch(/Step \d x/);

    // The chat still takes keys: a slash command answers at once.
    await terminal.typeLine('/status');
    await terminal.waitForScreen(/Sign-in\s+no auth/);

    const shell = await terminal.display('#{pane_pid}');
    process.kill(Number(execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' }).trim()), 'SIGTERM');
    // 130: the chat ended itself and restored the terminal (143 would be killed by the signal, or the grace timer).
    await terminal.waitForScreen(/exit status 130/, 5000);
    // The last word on the cursor shows it again.
    const output = terminal.output();
    expect(output.lastIndexOf('\u001b[?25h')).toBeGreaterThan(output.lastIndexOf('\u001b[?25l'));
  }, 60_000);
});
