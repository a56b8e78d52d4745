import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { metadataPath } from '../../auth/login/authority-metadata.js';
import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import type { SilentTokenTimings } from '../support/silent-token-child.js';
import { timeToExit } from '../support/process-timing.js';
import { childEnv, startSignedInStack } from '../support/signed-in-stack.js';
import { round, summarize } from '../support/stats.js';

const GOAL_MS = 5;

async function runChild(script: string, env: Record<string, string>, cwd: string): Promise<{ timings: SilentTokenTimings; wallMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`silent-token child exited with ${String(code)}: ${err.slice(-1000)}`);
  return { timings: JSON.parse(out) as SilentTokenTimings, wallMs };
}

/** acquireTokenSilently() from the file cache in a fresh process, next to the cost of starting one. */
export const silentToken: BenchModule = {
  name: 'silent-token',
  title: 'Silent token: acquireTokenSilently() from the file cache in a fresh process, next to `node -e 0`',
  async run(ctx): Promise<BenchOutcome> {
    const runs = ctx.quick ? 5 : 20;
    const dir = join(ctx.workDir, 'silent-token');
    ctx.progress('dev identity provider in process, one device-code sign-in');
    const signedIn = await startSignedInStack(dir);
    try {
      const env = childEnv(join(dir, 'home'), signedIn.agentEnv);
      const script = join(ctx.root, 'dist/bench/support/silent-token-child.js');
      const before = signedIn.stack.idp.stats();
      const results: { timings: SilentTokenTimings; wallMs: number }[] = [];
      const bare: number[] = [];
      ctx.progress(`1 warm-up, then ${runs} fresh processes, each next to a node -e 0`);
      for (let i = -1; i < runs; i++) {
        const b = await timeToExit(process.execPath, ['-e', '0'], env, signedIn.cwd);
        const r = await runChild(script, env, signedIn.cwd);
        if (i < 0) continue;
        bare.push(b);
        results.push(r);
      }
      const keychain = await keychainSeries(ctx, env, script, signedIn.cwd, runs);
      const after = signedIn.stack.idp.stats();
      const requests =
        after.tokenRequests +
        after.discoveryRequests +
        after.deviceCodeRequests +
        after.jwksRequests -
        (before.tokenRequests + before.discoveryRequests + before.deviceCodeRequests + before.jwksRequests);

      const s = (pick: (t: SilentTokenTimings) => number) => summarize(results.map((r) => pick(r.timings)));
      const call = s((t) => t.callMs);
      const imp = s((t) => t.importMs);
      const create = s((t) => t.createMs);
      const second = s((t) => t.secondCallMs);
      const boot = s((t) => t.bootMs);
      const fast = s((t) => t.fastPathMs);
      const fastFound = results.every((r) => r.timings.fastPathFound);
      const onTop = s((t) => t.importMs + t.createMs + t.callMs);
      const wall = summarize(results.map((r) => r.wallMs));
      const nodeBare = summarize(bare);
      const row = (what: string, x: ReturnType<typeof summarize>): (string | number)[] => [what, round(x.p50, 2), round(x.p95, 2)];
      const keyFigures: KeyFigure[] = [
        { label: 'acquireTokenSilently() in a fresh process, p50', value: call.p50, unit: 'ms', goal: { op: '<=', target: GOAL_MS } },
        { label: 'import + create + call on top of process start, p50', value: onTop.p50, unit: 'ms' },
        { label: 'whole process / node -e 0 (p50 wall)', value: wall.p50 / nodeBare.p50, unit: '×' },
        { label: 'bare cache read + parse + pick (the floor of the fast path), p50', value: fast.p50, unit: 'ms' },
      ];
      const expiry = Math.min(...results.map((r) => r.timings.expiresInS));
      return {
        status: 'done',
        figures: [
          {
            title: `Silent token from the file cache, ${runs} fresh processes`,
            columns: ['step', 'p50 ms', 'p95 ms'],
            rows: [
              row('node -e 0, spawn to exit', nodeBare),
              row('child: process start to its first line', boot),
              row('import auth/login (zod; MSAL loads only if the cache cannot answer)', imp),
              row('createAuthenticator(loadLoginConfig(env))', create),
              row('acquireTokenSilently(), first call', call),
              row('acquireTokenSilently(), second call (same process)', second),
              row('import + create + first call', onTop),
              row('child, spawn to exit', wall),
              row('bare cache read + parse + pick, timed before importing auth/login', fast),
            ],
          },
          keychain.figure,
        ],
        keyFigures: [...keyFigures, ...keychain.keyFigures],
        notes: [
          keychain.note,
          "Each run is a fresh `node dist/bench/support/silent-token-child.js` with a clean environment (ENTRA_*, WARDEN_TOKEN_CACHE, WARDEN_DEV_CA_FILE): it imports auth/login, builds the Authenticator, calls acquireTokenSilently() twice and prints its timings (performance.now(), i.e. since process start). The cache was filled by one device-code sign-in against the dev identity provider, so the cache file holds the access token, refresh token and the provider's metadata.",
          `Identity-provider requests during all ${runs + 1} processes: ${requests} (${requests === 0 ? 'as it should be: silent means from the cache' : 'EXPECTED 0'}); shortest remaining token lifetime ${expiry} s.`,
          'The goal (≤ 5 ms on top of process start) is read as the call itself; importing the sign-in module is listed separately and is paid once per process. With a valid token in the cache the call reads it straight from the file (auth/login/msal-cache.ts: one account, one matching token, more than 5 minutes left) and MSAL is never loaded; otherwise MSAL decides (about 20 ms more for its first lookup, plus ~90 ms to load it).',
          `The bare-read row is timed in the same processes before auth/login is imported: read the cache file, JSON.parse it and pick an access token of this client and scope valid for 5 more minutes — the floor of the fast path. ${fastFound ? 'It found the token in every run.' : 'It did NOT find the token in every run.'}`,
        ],
      };
    } finally {
      await signedIn.close();
    }
  },
};

/**
 * The same children with the cache sealed by the OS secret store (issue 25): measured when the
 * bench runs inside a D-Bus session with an unlocked Secret Service, e.g.
 * `dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets; npm run bench -- --only silent-token'`.
 * A copy of the signed-in cache, sealed by the warm-up child on its first use.
 */
async function keychainSeries(ctx: Parameters<BenchModule['run']>[0], env: Record<string, string>, script: string, cwd: string, runs: number) {
  const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
  const title = `Silent token with the cache sealed by the OS secret store, ${runs} fresh processes`;
  if (!bus) {
    return {
      figure: { title, columns: ['step', 'p50 ms', 'p95 ms'], rows: [['not measured: no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset)', '', '']] },
      keyFigures: [] as KeyFigure[],
      note: 'The sealed-cache series runs only inside a D-Bus session with a Secret Service (see bench/README.md); the figures above are the 0600 file, where `auto` finds no secret store and does not load the keyring binding.',
    };
  }
  const source = env.WARDEN_TOKEN_CACHE ?? '';
  const dir = join(ctx.workDir, 'silent-token-keychain');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cache = join(dir, 'token_cache.json');
  copyFileSync(source, cache);
  copyFileSync(metadataPath(source), metadataPath(cache));
  const sealedEnv = { ...env, WARDEN_TOKEN_CACHE: cache, DBUS_SESSION_BUS_ADDRESS: bus };
  ctx.progress(`sealed cache: 1 warm-up (seals the copy), then ${runs} fresh processes`);
  const results: SilentTokenTimings[] = [];
  for (let i = -1; i < runs; i++) {
    const r = await runChild(script, sealedEnv, cwd);
    if (i >= 0) results.push(r.timings);
  }
  const sealed = readFileSync(cache, 'utf8').startsWith('{"warden_sealed"');
  const call = summarize(results.map((t) => t.callMs));
  const second = summarize(results.map((t) => t.secondCallMs));
  return {
    figure: {
      title,
      columns: ['step', 'p50 ms', 'p95 ms'],
      rows: [
        ['acquireTokenSilently(), first call: keyring binding load, one secret-store read, AES-GCM open', round(call.p50, 2), round(call.p95, 2)],
        ['acquireTokenSilently(), second call (key in memory)', round(second.p50, 2), round(second.p95, 2)],
      ],
    },
    keyFigures: [{ label: 'acquireTokenSilently() in a fresh process, cache sealed by the secret store, p50', value: call.p50, unit: 'ms' }] as KeyFigure[],
    note: `Sealed-cache series: the cache file ${sealed ? 'was sealed (no token readable in it)' : 'was NOT sealed (the secret store did not answer)'}; the first call pays once per process for loading @napi-rs/keyring and one D-Bus round trip to the Secret Service.`,
  };
}
