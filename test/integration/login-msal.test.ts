import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import {
  buildLoginConfig,
  createAuthenticator,
  SignInCancelledError,
  SignInFailedError,
  SignInRequiredError,
  type AuthenticatorDeps,
  type DeviceCodePrompt,
  type LoginFetch,
} from '../../auth/login/index.js';

const DIST_LOGIN = fileURLToPath(new URL('../../dist/auth/login/index.js', import.meta.url));
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

let root: string;
let idp: RunningDevIdp;
/** Added to the provider's clock: moves its idea of "now" (code expiry) without waiting. */
let idpClockOffsetMs = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-login-'));
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 1, now: () => Date.now() + idpClockOffsetMs });
});
afterAll(async () => {
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  idpClockOffsetMs = 0;
});

let cacheCounter = 0;
function configValues(provider: RunningDevIdp) {
  return {
    authorityHost: provider.authorityHost,
    tenantId: provider.tenantId,
    clientId: provider.clientId,
    apiScope: provider.apiScope,
    cachePath: join(root, `cache-${(cacheCounter += 1)}`, 'token_cache.json'),
    caFile: provider.caFile,
  };
}

function configFor(provider: RunningDevIdp, options: { trustCa?: boolean; cachePath?: string } = {}) {
  const cachePath = options.cachePath ?? join(root, `cache-${(cacheCounter += 1)}`, 'token_cache.json');
  return buildLoginConfig({
    authorityHost: provider.authorityHost,
    tenantId: provider.tenantId,
    clientId: provider.clientId,
    apiScope: provider.apiScope,
    cachePath,
    ...(options.trustCa !== false && { caFile: provider.caFile }),
  });
}

/** A fetch that trusts the provider's CA and records what was sent. */
function recordingFetch(provider: RunningDevIdp): { fetch: LoginFetch; sent: { method: string; url: string; body: string }[] } {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, readFileSync(provider.caFile, 'utf8')] } });
  const sent: { method: string; url: string; body: string }[] = [];
  return {
    sent,
    fetch: async (url, init) => {
      sent.push({ method: init.method, url, body: init.body ?? '' });
      return (await undiciFetch(url, { ...init, dispatcher })) as unknown as Response;
    },
  };
}

/** Approves the code from the device-code callback, as a user on another device would. */
function approving(provider: RunningDevIdp, seen: DeviceCodePrompt[] = []) {
  return (prompt: DeviceCodePrompt): void => {
    seen.push(prompt);
    provider.approve(prompt.userCode ?? '').catch((error: unknown) => seen.push({ ...prompt, message: `approve failed: ${String(error)}` }));
  };
}

async function signedIn(provider: RunningDevIdp, deps: AuthenticatorDeps = {}, config = configFor(provider)) {
  const auth = createAuthenticator(config, deps);
  const token = await auth.signIn({ onDeviceCode: approving(provider) });
  return { auth, token, config };
}

function refreshSecrets(cachePath: string): string[] {
  const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { RefreshToken: Record<string, { secret: string }> };
  return Object.values(cache.RefreshToken).map((rt) => rt.secret);
}

describe('device-code sign-in against the dev identity provider (real MSAL)', () => {
  it('signs in with a device code and reuses the cached token silently; never sends an RFC 8707 resource', async () => {
    const { fetch, sent } = recordingFetch(idp);
    const config = configFor(idp);
    const auth = createAuthenticator(config, { fetch, now: () => 1_000_000 });
    const prompts: DeviceCodePrompt[] = [];
    const token = await auth.signIn({ onDeviceCode: approving(idp, prompts) });

    expect(prompts).toHaveLength(1);
    const prompt = prompts[0] as DeviceCodePrompt;
    expect(prompt).toMatchObject({ verificationUri: idp.verificationUri, expiresIn: 900, expiresAt: 1_000_000 + 900_000 });
    expect(prompt.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(prompt.verificationUriComplete).toContain(prompt.userCode);
    expect(prompt.message).toContain(prompt.userCode);

    expect(token.account).toMatchObject({ username: 'dev@warden.example', name: 'Dev User', tenantId: idp.tenantId });
    expect(token.scopes).toEqual([idp.apiScope]);
    expect(token.accessToken.split('.')).toHaveLength(3);
    expect(token.expiresOn.getTime() - Date.now()).toBeGreaterThan(3500_000);
    // The token does not leak through JSON or console output.
    expect(JSON.stringify(token)).not.toContain(token.accessToken);

    const deviceCodeBody = new URLSearchParams(sent.find((r) => r.url.endsWith('/devicecode'))?.body);
    expect(deviceCodeBody.get('scope')?.split(' ')).toEqual(expect.arrayContaining([idp.apiScope, 'offline_access', 'openid']));
    expect(sent.every((r) => !new URLSearchParams(r.body).has('resource') && !r.url.includes('resource='))).toBe(true);

    const before = idp.stats();
    const again = await auth.acquireTokenSilently();
    expect(again.accessToken).toBe(token.accessToken);
    expect(idp.stats()).toEqual(before);
    expect(statSync(config.cachePath).mode & 0o777).toBe(0o600);
    expect(statSync(join(config.cachePath, '..')).mode & 0o777).toBe(0o700);
  });

  it('a new process gets the cached token from the file with no request to the identity provider', async () => {
    if (!existsSync(DIST_LOGIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const { token, config } = await signedIn(idp);
    const before = idp.stats();
    const script = `
      const t0 = performance.now();
      const { buildLoginConfig, createAuthenticator } = await import(${JSON.stringify(DIST_LOGIN)});
      const t1 = performance.now();
      const auth = createAuthenticator(buildLoginConfig(JSON.parse(process.env.LOGIN_VALUES)));
      const token = await auth.acquireTokenSilently();
      const t2 = performance.now();
      const { createHash } = await import('node:crypto');
      process.stdout.write(JSON.stringify({ user: token.account.username, sha: createHash('sha256').update(token.accessToken).digest('hex'), importMs: t1 - t0, silentMs: t2 - t1 }));
    `;
    const values = { authority: config.authority, clientId: config.clientId, apiScope: config.apiScope, cachePath: config.cachePath, caFile: config.caFile };
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, LOGIN_VALUES: JSON.stringify(values) },
    });
    const result = JSON.parse(stdout) as { user: string; sha: string; importMs: number; silentMs: number };
    expect(result).toMatchObject({ user: 'dev@warden.example', sha: sha(token.accessToken) });
    expect(idp.stats()).toEqual(before);
    console.info(`fresh process: import ${result.importMs.toFixed(0)} ms, silent token from cache ${result.silentMs.toFixed(1)} ms`);
  });

  it('forceRefresh redeems the refresh token: a new access token, and the refresh token rotates', async () => {
    const { auth, token, config } = await signedIn(idp);
    const rtBefore = refreshSecrets(config.cachePath);
    const before = idp.stats();
    const fresh = await auth.acquireTokenSilently({ forceRefresh: true });
    expect(fresh.accessToken).not.toBe(token.accessToken);
    expect(idp.stats().tokenRequests).toBe(before.tokenRequests + 1);
    const rtAfter = refreshSecrets(config.cachePath);
    expect(rtAfter).toHaveLength(1);
    expect(rtAfter[0]).not.toBe(rtBefore[0]);
  });

  it('checks the provider’s sign-in page (issue 21 §6): another host is named, a complete link elsewhere is dropped, a file: page ends the sign-in', async () => {
    /** The provider's own answers on the wire, with the device code response's links replaced: a lying provider. */
    const lying = (links: Record<string, string>): LoginFetch => {
      const { fetch } = recordingFetch(idp);
      return async (url, init) => {
        const response = await fetch(url, init);
        if (!url.endsWith('/devicecode')) return response;
        const body = { ...((await response.json()) as Record<string, unknown>), ...links };
        return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
      };
    };
    const prompts: DeviceCodePrompt[] = [];
    const elsewhere = createAuthenticator(configFor(idp), {
      fetch: lying({ verification_uri: 'https://evil.example/devicelogin', verification_uri_complete: 'file:///etc/passwd' }),
    });
    await elsewhere.signIn({ onDeviceCode: approving(idp, prompts) });
    expect(prompts[0]).toMatchObject({ verificationUri: 'https://evil.example/devicelogin', linkHost: 'evil.example' });
    expect(prompts[0]?.verificationUriComplete).toBeUndefined();
    // The instruction names the page that was checked, not whatever the provider's own text says.
    expect(prompts[0]?.message).toBe(`To sign in, open https://evil.example/devicelogin and enter the code ${prompts[0]?.userCode}.`);

    const shown: DeviceCodePrompt[] = [];
    const file = createAuthenticator(configFor(idp), { fetch: lying({ verification_uri: 'file:///etc/passwd' }) });
    const error = await file.signIn({ onDeviceCode: (p) => void shown.push(p) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toBe(
      `the identity provider at ${new URL(idp.authorityHost).host} sent a file: link (only https:, or http: on this computer, is opened) as its sign-in page`,
    );
    expect(shown).toEqual([]);
  });

  it('reports a declined sign-in', async () => {
    const auth = createAuthenticator(configFor(idp));
    const error = await auth.signIn({ onDeviceCode: (p) => void idp.deny(p.userCode ?? '') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toBe('sign-in was declined');
    expect(await auth.currentAccount()).toBeUndefined();
  });

  it('reports a code that expired before approval', async () => {
    const auth = createAuthenticator(configFor(idp));
    const error = await auth
      .signIn({
        onDeviceCode: () => {
          idpClockOffsetMs = 901_000; // the provider's 15 minutes are over
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toMatch(/^the code expired/);
  });

  it('cancels promptly through the AbortSignal', async () => {
    const auth = createAuthenticator(configFor(idp));
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await auth
      .signIn({
        signal: controller.signal,
        onDeviceCode: () => {
          abortedAt = performance.now();
          controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInCancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(200);

    const before = idp.stats();
    const already = new AbortController();
    already.abort();
    await expect(auth.signIn({ signal: already.signal, onDeviceCode: () => undefined })).rejects.toThrow(SignInCancelledError);
    expect(idp.stats().deviceCodeRequests).toBe(before.deviceCodeRequests);
  });

  it('signs out: the account and its tokens leave the cache, with no network', async () => {
    const { auth, config } = await signedIn(idp);
    const before = idp.stats();
    expect(await auth.signOut()).toMatchObject({ username: 'dev@warden.example' });
    expect(await auth.currentAccount()).toBeUndefined();
    await expect(auth.acquireTokenSilently()).rejects.toThrow(SignInRequiredError);
    expect(await auth.signOut()).toBeUndefined();
    const cache = JSON.parse(readFileSync(config.cachePath, 'utf8'));
    expect([cache.Account, cache.AccessToken, cache.RefreshToken, cache.IdToken]).toEqual([{}, {}, {}, {}]);
    expect(idp.stats()).toEqual(before);
    // A fresh Authenticator on the same file agrees.
    await expect(createAuthenticator(config).acquireTokenSilently()).rejects.toThrow('not signed in');
  });

  it("passes on the provider's reason when it refuses the client or the scope", async () => {
    const host = new URL(idp.authorityHost).host;
    const wrongClient = createAuthenticator(buildLoginConfig({ ...configValues(idp), clientId: 'not-registered' }));
    const prompts: DeviceCodePrompt[] = [];
    await expect(wrongClient.signIn({ onDeviceCode: (p) => prompts.push(p) })).rejects.toThrow(
      new RegExp(`^the identity provider at ${host} refused the sign-in: invalid_client \\(.+\\)$`),
    );
    const wrongScope = createAuthenticator(buildLoginConfig({ ...configValues(idp), apiScope: 'api://someone-else/execute' }));
    await expect(wrongScope.signIn({ onDeviceCode: (p) => prompts.push(p) })).rejects.toThrow(/refused the sign-in: invalid_scope/);
    expect(prompts).toEqual([]);
  });

  it('says clearly when the provider certificate is not trusted', async () => {
    const auth = createAuthenticator(configFor(idp, { trustCa: false }));
    const error = await auth.signIn({ onDeviceCode: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach the identity provider at ${new URL(idp.authorityHost).host} \\(.*CERT.*\\).*WARDEN_DEV_CA_FILE`));
  });
});

describe('short-lived tokens and an identity provider that goes away', () => {
  let shortIdp: RunningDevIdp;
  beforeAll(async () => {
    // 60 s is inside MSAL's 5-minute refresh window: every silent call redeems the refresh token.
    shortIdp = await startDevIdp({ port: 0, dataDir: join(root, 'idp-short'), pollIntervalSeconds: 1, tokenLifetimeSeconds: 60 });
  });
  afterAll(async () => {
    await shortIdp?.close().catch(() => undefined);
  });

  it('refreshes an expiring token with the refresh token, which rotates; a revoked one means sign in again', async () => {
    const { auth, token, config } = await signedIn(shortIdp);
    const rt1 = refreshSecrets(config.cachePath);
    const before = shortIdp.stats();

    const second = await auth.acquireTokenSilently();
    expect(second.accessToken).not.toBe(token.accessToken);
    expect(second.account.username).toBe('dev@warden.example');
    expect(shortIdp.stats().tokenRequests).toBe(before.tokenRequests + 1);
    const rt2 = refreshSecrets(config.cachePath);
    expect(rt2).toHaveLength(1);
    expect(rt2[0]).not.toBe(rt1[0]);

    // Another process (a new Authenticator on the same file) continues with the rotated refresh token.
    const third = await createAuthenticator(config).acquireTokenSilently();
    expect(third.accessToken).not.toBe(second.accessToken);
    expect(refreshSecrets(config.cachePath)[0]).not.toBe(rt2[0]);

    shortIdp.revokeRefreshTokens();
    const error = await auth.acquireTokenSilently().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect(await auth.currentAccount()).toMatchObject({ username: 'dev@warden.example' });
  });

  it('reports an unreachable provider for sign-in and for refresh', async () => {
    const { config } = await signedIn(shortIdp);
    const host = new URL(shortIdp.authorityHost).host;
    await shortIdp.close();

    const silent = await createAuthenticator(config)
      .acquireTokenSilently()
      .catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(SignInFailedError);
    expect((silent as Error).message).toBe(`cannot reach the identity provider at ${host} (ECONNREFUSED)`);

    const fresh = createAuthenticator(configFor(shortIdp));
    const started = performance.now();
    const error = await fresh.signIn({ onDeviceCode: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect((error as Error).message).toBe(`cannot reach the identity provider at ${host} (ECONNREFUSED)`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
