import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { approveDeviceCode, cachedSecrets } from '../helpers/device-code.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmuxAvailable = await hasTmux();

const progressLine = (name: string) => new RegExp(`reverse\\s+"${name}"[^\\n]*\\n[^\\n]*\\d/5\\s+\\d+%`);

describe.skipIf(!tmuxAvailable)('npm start in a real terminal', () => {
  let terminal: TerminalSession | undefined;
  afterEach(async () => {
    await terminal?.kill();
    terminal = undefined;
  });

  // A fresh HOME: the demo keeps its provider, token cache and logs under ~/.config/warden/demo.
  const home = mkdtempSync(join(tmpdir(), 'warden-demo-home-'));
  // Slow enough to watch three panes progress together, fast enough for CI (2 s a call).
  const env = terminalEnv(home, { REVERSE_STEP_MS: '400' });
  const demoDir = join(home, '.config', 'warden', 'demo');

  it('signs in with a device code, runs three calls side by side, and Esc cancels one', async () => {
    terminal = await startTerminal({ command: ['npm', 'start', '--silent'], env, cwd: ROOT, width: 80, height: 34 });

    // The panel, and the command it points at printed above it (a frame after the panel's first).
    const loginScreen = await terminal.waitForScreen((s) => s.includes('Or approve from a shell with the curl command printed above') && /-d user_code=\S+/.test(s), 60_000);
    expect(loginScreen).toContain('Sign in to use the MCP server');
    // Printed above the panel as one line (wider than 80 columns: the terminal wraps it, so a copy gets it whole).
    const history = await terminal.history();
    const [, url, caFile, userCode] = history.match(/^curl (https:\/\/localhost:\d+\/devicelogin) --cacert (\S+) -d user_code=(\S+)$/m) ?? [];
    expect(history.match(/no browser/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(await approveDeviceCode(url!, userCode!, caFile!.replace(/^~\//, `${home}/`))).toBe(200);

    await terminal.waitForScreen(/● \S+ (connected )?· 3 tools/);
    await terminal.waitForScreen(/Signed in as dev@warden\.example/);
    // No secret store here (no D-Bus session): said once, as a line of the transcript, never drawn over the chat.
    const signedIn = await terminal.history();
    expect(signedIn.match(/^! no OS secret store is reachable/gm)).toHaveLength(1);
    expect(signedIn).not.toMatch(/warden: no OS secret store/);

    await terminal.typeLine('reverse alpha, beta and gamma');
    const panes = await terminal.waitForScreen((s) => ['alpha', 'beta', 'gamma'].every((w) => progressLine(w).test(s)));
    expect(panes).toContain('3 tool calls running');
    const answers = await terminal.waitForScreen(/"gamma" reversed is "ammag"/);
    expect(answers).toMatch(/✓ reverse "alpha" · [\d.]+s · ahpla/);
    expect(answers).toMatch(/✓ reverse "beta" · [\d.]+s · ateb/);
    expect(answers).toContain('"alpha" reversed is "ahpla"');

    await terminal.typeLine('reverse hello world');
    await terminal.waitForScreen(progressLine('hello world'));
    await terminal.sendKeys(['Escape']);
    await terminal.waitForScreen(/⊘ reverse "hello world" · [\d.]+s · cancelled/);

    await terminal.sendKeys(['C-c']);
    await terminal.sendKeys(['C-c']);
    const last = await terminal.waitForScreen(/demo stopped/);

    const secrets = cachedSecrets(join(demoDir, 'token_cache.json'));
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const logs = readdirSync(join(demoDir, 'logs'))
      .map((f) => readFileSync(join(demoDir, 'logs', f), 'utf8'))
      .join('\n');
    for (const secret of secrets) {
      expect(last.includes(secret) || logs.includes(secret)).toBe(false);
    }
  }, 120_000);

  it('reuses the cached sign-in on the next start: no device code; /login cancelled leaves it signed in (80×24)', async () => {
    terminal = await startTerminal({ command: ['npm', 'start', '--silent'], env, cwd: ROOT, width: 80, height: 24 });
    const screen = await terminal.waitForScreen(/● \S+ (connected )?· 3 tools/, 60_000);
    expect(screen).toContain('dev@warden.example');
    expect(screen).not.toContain('Enter this code');

    // Issue 24 §2: a sign-in started and cancelled while signed in changes nothing about the cached token.
    await terminal.typeLine('/login');
    await terminal.waitForScreen(/Enter this code/);
    await terminal.sendKeys(['Escape']);
    const cancelled = await terminal.waitForScreen(/Sign-in cancelled/);
    // The status bar still names the account.
    expect(cancelled).toMatch(/^● .*dev@warden\.example · \d+m/m);
    expect(cancelled).not.toMatch(/signed out/);
    await terminal.typeLine('/status');
    const status = await terminal.waitForScreen(/Sign-in\s+dev@warden\.example/);
    expect(status).not.toMatch(/signed out/);
    await terminal.typeLine('reverse still works');
    await terminal.waitForScreen(/"still works" reversed is "skrow llits"/);

    // Issue 24 §2: a call made while signed out waits for the sign-in it opens, then goes on — nothing is typed again.
    await terminal.typeLine('/logout');
    await terminal.waitForScreen(/Signed out\. Type \/login/);
    await terminal.typeLine('reverse held call');
    await terminal.waitForScreen((s) => s.includes('Enter this code') && /-d user_code=\S+/.test(s));
    const [, url, caFile, userCode] = [...(await terminal.history()).matchAll(/^curl (https:\/\/localhost:\d+\/devicelogin) --cacert (\S+) -d user_code=(\S+)$/gm)].at(-1) ?? [];
    expect(await approveDeviceCode(url!, userCode!, caFile!.replace(/^~\//, `${home}/`))).toBe(200);
    const held = await terminal.waitForScreen(/"held call" reversed is "llac dleh"/);
    expect(held).toMatch(/✓ reverse "held call" · [\d.]+s · llac dleh/);

    await terminal.typeLine('/exit');
    await terminal.waitForScreen(/demo stopped/);
  }, 90_000);
});
