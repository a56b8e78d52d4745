import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDeviceCode } from '../helpers/device-code.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { hasSecretService, startSecretService, type PrivateSecretService } from '../helpers/secret-service.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// On CI (.ci/run installs tmux and the keyring) a missing program fails instead of skipping.
const ready = ((await hasTmux()) && hasSecretService()) || process.env.CI === 'true';

/**
 * A signed-in chat restarts signed in with its tokens in the OS secret store (issue 25): the demo
 * chat in a real terminal with GNOME Keyring on a private D-Bus session, signed in with a device
 * code, quit, started again: no code, the same account, a call that works; the cache file on disk
 * is sealed all along.
 */
describe.skipIf(!ready)('the chat with its tokens in the Secret Service', () => {
  let keyring: PrivateSecretService;
  let terminal: TerminalSession | undefined;
  const home = mkdtempSync(join(tmpdir(), 'warden-keyring-chat-'));
  const cache = join(home, '.config', 'warden', 'demo', 'token_cache.json');

  beforeAll(async () => {
    if (!hasSecretService()) throw new Error('dbus-daemon, gnome-keyring-daemon and secret-tool are needed (Debian: dbus, gnome-keyring, libsecret-tools; .ci/run installs them)');
    keyring = await startSecretService();
  });
  afterAll(async () => {
    await terminal?.kill();
    await keyring?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const chat = (): Promise<TerminalSession> =>
    startTerminal({ command: [process.execPath, CLI_PATH, 'demo'], env: terminalEnv(home, { REVERSE_STEP_MS: '0', ...keyring.env }), cwd: home, width: 120, height: 34 });

  it('signs in once, quits, and starts again signed in without a code', async () => {
    terminal = await chat();
    const login = await terminal.waitForScreen(/curl https:[\s\S]*user_code=/, 60_000);
    const [, url, caFile, userCode] = login.match(/curl (https:\/\/localhost:\d+\/devicelogin) --cacert (\S+) -d user_code=(\S+)/) ?? [];
    expect(await approveDeviceCode(url!, userCode!, caFile!.replace(/^~\//, `${home}/`))).toBe(200);
    await terminal.waitForScreen(/connected · 3 tools/);
    const sealed = readFileSync(cache, 'utf8');
    expect(sealed).toMatch(/^\{"warden_sealed":1/);
    expect(sealed).not.toMatch(/RefreshToken|AccessToken|eyJ/);
    await terminal.typeLine('/exit');
    const last = await terminal.waitForScreen(/demo stopped/);
    expect(last).not.toContain('no OS secret store');
    await terminal.kill();

    terminal = await chat();
    const screen = await terminal.waitForScreen(/connected · 3 tools/, 60_000);
    expect(screen).toContain('dev@warden.example');
    expect(screen).not.toContain('Enter this code');
    await terminal.typeLine('reverse keyring');
    await terminal.waitForScreen(/"keyring" reversed is "gniryek"/);
    expect(readFileSync(cache, 'utf8')).toMatch(/^\{"warden_sealed":1/);
    await terminal.typeLine('/exit');
    await terminal.waitForScreen(/demo stopped/);
  }, 120_000);
});
