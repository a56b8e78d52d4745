import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { OAuthTokenStore } from '../../auth/oauth/token-store.js';
import { TokenVault } from '../../auth/store/vault.js';
import { approveDeviceCode } from '../helpers/device-code.js';
import { startCli } from '../helpers/cli-process.js';
import { hasSecretService, startSecretService, type PrivateSecretService } from '../helpers/secret-service.js';

/**
 * Tokens at rest (issue 25) with a real Secret Service: GNOME Keyring in a private D-Bus session.
 * Warden runs as the user runs it (`warden login`, `status`, `logout`); the test then opens the
 * sealed cache with Warden's own vault and the keyring's key to learn the tokens, and greps every
 * file for them. Without the D-Bus session the same commands fall back to the 0600 file.
 */

// On CI (.ci/run installs them) missing programs fail the suite instead of skipping it.
const available = hasSecretService() || process.env.CI === 'true';
let root: string;
let idp: RunningDevIdp;
let keyring: PrivateSecretService;
let idpEnv: Record<string, string>;

beforeAll(async () => {
  if (!available) return;
  if (!hasSecretService()) throw new Error('dbus-daemon, gnome-keyring-daemon and secret-tool are needed (Debian: dbus, gnome-keyring, libsecret-tools; .ci/run installs them)');
  root = mkdtempSync(join(tmpdir(), 'warden-token-store-'));
  [idp, keyring] = await Promise.all([startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 1 }), startSecretService()]);
  idpEnv = Object.fromEntries(idp.envLines().map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
});
afterAll(async () => {
  await idp?.close();
  await keyring?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A token directory of its own for each case. */
function tokenDir(name: string): { cache: string; dir: string } {
  const dir = join(root, name, '.config', 'warden');
  return { cache: join(dir, 'token_cache.json'), dir };
}

async function run(args: string[], env: Record<string, string | undefined>) {
  const cli = startCli(args, { env: { ...idpEnv, MCP_SERVER_URL: 'http://127.0.0.1:9/mcp', ...env } });
  if (args[0] === 'login') {
    const [, code] = await cli.waitFor(/Code:\s+(\S+)/, 'stderr');
    expect(await approveDeviceCode(idp.verificationUri, code as string, idp.caFile)).toBe(200);
  }
  return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The tokens in a cache, read through Warden's vault with this test's keyring (as a Warden process on that bus would). */
async function tokensIn(cache: string, choice: 'auto' | 'file' = 'auto'): Promise<string[]> {
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  try {
    const text = await new TokenVault({ dir: dirname(cache), choice }).read(cache, 'msal-cache', { locked: false });
    const parsed = JSON.parse(text ?? '{}') as Record<string, Record<string, { secret?: string }>>;
    return ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((s) => Object.values(parsed[s] ?? {}).map((e) => e.secret ?? '')).filter((s) => s.length > 20);
  } finally {
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  }
}

/** `work` as a process on this test's D-Bus session would run it. */
async function onTheBus<T>(work: () => Promise<T>): Promise<T> {
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  }
}

/** Every file under `dir`, with its content. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

describe.skipIf(!available)('tokens at rest in the OS secret store (GNOME Keyring in a private D-Bus session)', () => {
  it('signs in with the data key in the keyring and no token readable from any file; status names the store; logout clears both', async () => {
    const { cache, dir } = tokenDir('sealed');
    const env = { WARDEN_TOKEN_CACHE: cache, ...keyring.env };

    const login = await run(['login'], env);
    expect(login.code).toBe(0);
    expect(login.stderr).not.toContain('no OS secret store');
    expect(readFileSync(cache, 'utf8')).toMatch(/^\{"warden_sealed":1,"alg":"A256GCM"/);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    const key = await keyring.lookup({ service: 'warden', username: dir });
    expect(key).toMatch(/^v1:[0-9a-f]{12}:/);

    const secrets = await tokensIn(cache);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const file of filesUnder(join(root, 'sealed'))) for (const secret of secrets) expect(file.text.includes(secret), `${file.path} holds a token`).toBe(false);

    const status = await run(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Account: +dev@warden\.example/m);
    expect(status.stdout).toMatch(/^Token store: +Secret Service: the token files are encrypted \(AES-256-GCM\) with a key kept there$/m);
    const json = JSON.parse((await run(['status', '--json'], env)).stdout);
    expect(json.tokenStore).toEqual({ store: 'keychain', backend: 'Secret Service', encrypted: true });

    const logout = await run(['logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(/^Signed out dev@warden\.example/);
    expect(existsSync(cache)).toBe(false);
    expect(await keyring.lookup({ service: 'warden', username: dir })).toBeUndefined();

    for (const output of [login, status, logout]) for (const secret of [...secrets, key ?? '']) expect(`${output.stdout}${output.stderr}`).not.toContain(secret.slice(3));
  });

  it("migrates today's plaintext cache on first use (the plaintext is gone) and keeps the sign-in; WARDEN_TOKEN_STORE=file moves it back", async () => {
    const { cache } = tokenDir('migrate');
    expect((await run(['login'], { WARDEN_TOKEN_CACHE: cache, WARDEN_TOKEN_STORE: 'file', ...keyring.env })).code).toBe(0);
    const plain = readFileSync(cache, 'utf8');
    const secrets = await tokensIn(cache, 'file');
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(plain).toContain(secret);

    const status = await run(['status'], { WARDEN_TOKEN_CACHE: cache, ...keyring.env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Account: +dev@warden\.example/m);
    const sealed = readFileSync(cache, 'utf8');
    expect(sealed).toMatch(/^\{"warden_sealed":1/);
    for (const secret of secrets) expect(sealed).not.toContain(secret);
    expect(readdirSync(dirname(cache)).filter((f) => f.startsWith('.token_cache.json'))).toEqual([]);

    const back = await run(['status'], { WARDEN_TOKEN_CACHE: cache, WARDEN_TOKEN_STORE: 'file', ...keyring.env });
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/^Token store: +file, not encrypted \(WARDEN_TOKEN_STORE=file\)$/m);
    expect(readFileSync(cache, 'utf8')).toContain(secrets[0]);
  });

  it('without the D-Bus session: the 0600 file, one line saying so and how to choose; the sign-in does not fail; status says why', async () => {
    const { cache } = tokenDir('fallback');
    const login = await run(['login'], { WARDEN_TOKEN_CACHE: cache });
    expect(login.code).toBe(0);
    const notices = login.stderr.split('\n').filter((l) => l.includes('no OS secret store'));
    expect(notices).toEqual([
      `warden: warning: no OS secret store is reachable (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set); tokens are kept unencrypted in the 0600 file ${cache}. Set WARDEN_TOKEN_STORE=file to keep them there without this notice, or keychain to require a secret store`,
    ]);
    expect(readFileSync(cache, 'utf8')).toMatch(/"RefreshToken"/);
    expect(statSync(cache).mode & 0o777).toBe(0o600);

    const status = await run(['status'], { WARDEN_TOKEN_CACHE: cache });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Token store: +file, not encrypted \(no OS secret store is reachable: no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set\)$/m);
    expect(status.stderr).toBe('');

    const chosen = await run(['logout'], { WARDEN_TOKEN_CACHE: cache, WARDEN_TOKEN_STORE: 'file' });
    expect(chosen.code).toBe(0);
    expect(chosen.stderr).toBe('');
  });

  it('WARDEN_TOKEN_STORE=keychain without a secret store: one line before any code is asked for; a bad value is a config error', async () => {
    const { cache } = tokenDir('required');
    const before = idp.stats().deviceCodeRequests;
    const cli = startCli(['login'], { env: { ...idpEnv, MCP_SERVER_URL: 'http://127.0.0.1:9/mcp', WARDEN_TOKEN_CACHE: cache, WARDEN_TOKEN_STORE: 'keychain' } });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(
      'WARDEN_TOKEN_STORE=keychain, but the Secret Service is not reachable (no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set); make it reachable, or set WARDEN_TOKEN_STORE=auto to fall back to the 0600 file',
    );
    expect(idp.stats().deviceCodeRequests).toBe(before);
    expect(existsSync(cache)).toBe(false);

    const bad = await run(['status'], { WARDEN_TOKEN_CACHE: cache, WARDEN_TOKEN_STORE: 'vault' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('warden: WARDEN_TOKEN_STORE: expected auto, keychain, file, got "vault"\n');
  });

  it('seals the OAuth grants with the same key; a sealed file passed off as the other is refused', async () => {
    const { dir } = tokenDir('oauth');
    const path = join(dir, 'oauth_tokens.json');
    const grant = { accessToken: `at-${'a'.repeat(40)}`, refreshToken: `rt-${'r'.repeat(40)}`, expiresAt: Date.now() + 3_600_000 };
    const ref = { issuer: 'https://as.example', resource: 'https://mcp.example/mcp', server: 'https://mcp.example/mcp' };
    await onTheBus(async () => {
      const store = new OAuthTokenStore(path, { vault: new TokenVault({ dir, choice: 'auto' }) });
      await store.update((file) => void (file.clients[ref.issuer] = { clientId: 'c', clientSecret: `secret-${'s'.repeat(30)}` }));
      await store.saveGrant(ref, grant);
      // Another process (a new vault, the key from the keyring) reads it back.
      const again = new OAuthTokenStore(path, { vault: new TokenVault({ dir, choice: 'auto' }) });
      expect((await again.grant(ref))?.refreshToken).toBe(grant.refreshToken);
      expect((await again.client(ref.issuer))?.clientSecret).toMatch(/^secret-/);
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\{"warden_sealed":1/);
    for (const secret of [grant.accessToken, grant.refreshToken, 'secret-']) expect(text).not.toContain(secret);
    // The OAuth file copied over the MSAL cache does not open as one (its purpose is authenticated).
    const { cache } = tokenDir('oauth');
    writeFileSync(cache, text);
    await onTheBus(async () => {
      await expect(new TokenVault({ dir, choice: 'auto' }).read(cache, 'msal-cache', { locked: false })).rejects.toThrow(/does not authenticate/);
    });
  });
});
