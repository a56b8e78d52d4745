/**
 * Child process for the silent-token benchmark: what `warden` does at start with a signed-in
 * cache, and nothing else. Loads the sign-in module, builds the Authenticator from ENTRA_* and
 * WARDEN_TOKEN_CACHE, calls acquireTokenSilently() once (then once more, warm), and prints one
 * JSON line of timings. Never prints the token.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface SilentTokenTimings {
  /** ms from process start (performance.timeOrigin) to the first line of this script. */
  bootMs: number;
  importMs: number;
  createMs: number;
  /** The first acquireTokenSilently(): reads the file cache, builds MSAL's client, finds the account and token. */
  callMs: number;
  /** A second call in the same process (MSAL client and cache already in memory). */
  secondCallMs: number;
  /** Whole seconds left on the token, so a stale cache (a refresh over the network) would show. */
  expiresInS: number;
  /**
   * What a cache-first fast path without MSAL would cost, timed before MSAL is loaded: read the
   * cache file, parse it, pick an access token of this client and scope valid for 5 more minutes.
   */
  fastPathMs: number;
  fastPathFound: boolean;
}

/** The fast-path estimate: MSAL's cache format read by hand (AccessToken entries: client_id, target, expires_on). */
async function fastPath(): Promise<boolean> {
  const text = await readFile(process.env.WARDEN_TOKEN_CACHE ?? '', 'utf8');
  const cache = JSON.parse(text) as { AccessToken?: Record<string, { client_id?: string; target?: string; expires_on?: string; secret?: string }> };
  const scope = (process.env.ENTRA_API_SCOPE ?? '').toLowerCase();
  const soon = Date.now() / 1000 + 300;
  return Object.values(cache.AccessToken ?? {}).some(
    (t) => t.client_id === process.env.ENTRA_CLIENT_ID && (t.target ?? '').toLowerCase().split(' ').includes(scope) && Number(t.expires_on) > soon && (t.secret ?? '') !== '',
  );
}

const bootMs = performance.now();
const fastPathFound = await fastPath();
const fastPathMs = performance.now() - bootMs;
const importStart = performance.now();
const { createAuthenticator, loadLoginConfig } = await import('../../auth/login/index.js');
const imported = performance.now();
const authenticator = createAuthenticator(loadLoginConfig(process.env));
const created = performance.now();
const token = await authenticator.acquireTokenSilently();
const called = performance.now();
await authenticator.acquireTokenSilently();
const second = performance.now();
if (token.accessToken.length === 0) throw new Error('empty token');
const timings: SilentTokenTimings = {
  bootMs,
  importMs: imported - importStart,
  createMs: created - imported,
  callMs: called - created,
  secondCallMs: second - called,
  expiresInS: Math.round((token.expiresOn.getTime() - Date.now()) / 1000),
  fastPathMs,
  fastPathFound,
};
process.stdout.write(`${JSON.stringify(timings)}\n`);
