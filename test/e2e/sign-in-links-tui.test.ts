import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startHostileAuthorizationServer, type HostileAuthorizationServer } from '../helpers/hostile-authorization-server.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).
// Issue 21 §6 in the chat at 80×24: the sign-in panel of a lying authorization server says plainly
// that the page is on another host, and `o` opens only that https page — never its file: "complete" link.
const tmuxAvailable = await hasTmux();

describe.skipIf(!tmuxAvailable)('the sign-in panel against a lying authorization server (80×24)', () => {
  let root: string;
  let as: HostileAuthorizationServer;
  let mcp: HostileServer;
  let terminal: TerminalSession | undefined;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'warden-sign-in-links-tui-'));
    as = await startHostileAuthorizationServer({ device: true, verificationUri: 'https://microsoft.com/devicelogin', verificationUriComplete: 'file:///etc/passwd' });
    mcp = await startHostileServer({ oauth: { resource: (endpoint) => endpoint, authorizationServer: as.issuer } });
  });
  afterAll(async () => {
    await terminal?.kill();
    await mcp?.close();
    await as?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('warns that the page is not the sign-in server’s, and o opens the https page only', async () => {
    const home = join(root, 'home');
    mkdirSync(join(home, '.config', 'warden'), { recursive: true });
    writeFileSync(join(home, '.config', 'warden', 'mcp.json'), JSON.stringify({ mcpServers: { docs: { url: mcp.url, auth: { kind: 'oauth', clientId: 'warden-test' } } } }));
    const opened = join(root, 'opened.txt');
    const script = join(root, 'browser.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
    chmodSync(script, 0o755);
    const env = terminalEnv(home, { BROWSER: script });
    terminal = await startTerminal({ command: ['node', CLI_PATH], env, cwd: home, width: 80, height: 24 });

    const host = new URL(as.issuer).host.replace(/\./g, '\\.');
    const panel = await terminal.waitForScreen(new RegExp(`Sign in with ${host}[\\s\\S]*1\\. Open https://microsoft\\.com/devicelogin[\\s\\S]*Press o to open`));
    // The warning, whole (wrapped inside the panel's border at 80 columns).
    const text = panel.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      `Careful: this link goes to microsoft.com, not to ${new URL(as.issuer).host} (the sign-in server). Enter the code there only if you expected that site.`,
    );
    expect(panel).not.toContain('file:');

    await terminal.sendKeys(['o'], { literal: true });
    await terminal.waitForScreen(/Opened in your browser/);
    expect(existsSync(opened) && readFileSync(opened, 'utf8')).toBe('https://microsoft.com/devicelogin\n');
    await terminal.sendKeys(['Escape']);
    await terminal.waitForScreen(/Sign-in cancelled/);
  }, 60_000);
});
