import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { cacheProblem } from '../../auth/login/file-cache.js';
import { buildLoginConfig, createAuthenticator, type LoginConfig } from '../../auth/login/index.js';

const DIST_LOGIN = fileURLToPath(new URL('../../dist/auth/login/index.js', import.meta.url));
const PROCESSES = 4;
const REFRESHES = 10;

/**
 * Each child signs in its own account (its own provider, so its own user), prints READY, waits
 * for GO on stdin, then redeems its refresh token REFRESHES times: every redemption rewrites the
 * shared cache file while the other three do the same.
 */
const CHILD = `
  const { buildLoginConfig, createAuthenticator } = await import(${JSON.stringify(DIST_LOGIN)});
  const auth = createAuthenticator(buildLoginConfig(JSON.parse(process.env.LOGIN_VALUES)), {
    onWarning: (line) => process.stderr.write('WARNING ' + line + '\\n'),
  });
  if (process.env.SIGN_IN !== 'no') await auth.signIn({ onDeviceCode: (p) => process.stdout.write('CODE ' + p.userCode + '\\n') });
  process.stdout.write('READY\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const refreshes = Number(process.env.REFRESHES ?? ${REFRESHES});
  for (let i = 0; i < refreshes; i += 1) await auth.acquireTokenSilently({ forceRefresh: true });
  process.stdout.write('DONE\\n');
  process.stdin.destroy();
`;

interface Child {
  process: ChildProcess;
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  output(): string;
}

function startChild(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: string): void => {
    out += d;
    listeners.forEach((l) => l());
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (listeners.forEach((l) => l()), resolve(code))));
  return {
    process: child,
    exited,
    output: () => out,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = out.match(pattern);
          if (match) {
            listeners.delete(check);
            resolve(match);
          } else if (child.exitCode !== null) {
            listeners.delete(check);
            reject(new Error(`child exited before ${pattern}:\n${out}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}

let root: string;
const idps: RunningDevIdp[] = [];

const loginValues = (config: LoginConfig) => ({
  authority: config.authority,
  clientId: config.clientId,
  apiScope: config.apiScope,
  cachePath: config.cachePath,
  caFile: config.caFile,
  tokenStore: config.tokenStore,
});

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-cache-race-'));
  for (let i = 0; i < PROCESSES; i += 1) {
    idps.push(
      await startDevIdp({
        port: 0,
        dataDir: join(root, `idp-${i}`),
        pollIntervalSeconds: 1,
        user: { name: `User ${i}`, username: `user${i}@warden.example`, oid: `00000000-0000-4000-8000-00000000000${i}` },
      }),
    );
  }
});
afterAll(async () => {
  await Promise.all(idps.map((idp) => idp.close()));
  rmSync(root, { recursive: true, force: true });
});

// Four processes at once on a machine that also runs other test files: the default 30 s only catches hangs on a quiet one.
describe('one token cache file, four processes writing at once', () => {
  it('keeps every account and every rotated refresh token; the file stays valid', async () => {
    if (!existsSync(DIST_LOGIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const cachePath = join(root, 'shared', 'token_cache.json');
    const configs = idps.map((idp) =>
      buildLoginConfig({
        authorityHost: idp.authorityHost,
        tenantId: idp.tenantId,
        clientId: idp.clientId,
        apiScope: idp.apiScope,
        cachePath,
        caFile: idp.caFile,
        // The plain file: this is about the file's writers (test/integration/token-store.test.ts covers the sealed one).
        tokenStore: 'file',
      }),
    );
    const children = configs.map((config) => startChild({ LOGIN_VALUES: JSON.stringify(loginValues(config)) }));
    try {
      // Approve all four codes at the same moment, so the first writes already race.
      const codes = await Promise.all(children.map((c) => c.waitFor(/CODE (\S+)/)));
      await Promise.all(codes.map((m, i) => (idps[i] as RunningDevIdp).approve(m[1] as string)));
      await Promise.all(children.map((c) => c.waitFor(/READY/)));
      for (const child of children) child.process.stdin?.write('GO\n');
      await Promise.all(children.map((c) => c.waitFor(/DONE/)));
      expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      for (const child of children) if (child.process.exitCode === null) child.process.kill();
    }
    for (const child of children) expect(child.output()).not.toContain('WARNING');

    const text = readFileSync(cachePath, 'utf8');
    expect(cacheProblem(text)).toBeUndefined();
    const cache = JSON.parse(text) as Record<string, Record<string, { username?: string; home_account_id: string }>>;
    const usernames = Object.values(cache.Account ?? {})
      .map((a) => a.username)
      .sort();
    expect(usernames).toEqual(['user0@warden.example', 'user1@warden.example', 'user2@warden.example', 'user3@warden.example']);
    expect(Object.keys(cache.RefreshToken ?? {})).toHaveLength(PROCESSES);
    expect(statSync(cachePath).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'shared')).sort()).toEqual(['authority_metadata.json', 'token_cache.json']);

    // Each provider consumed every refresh token it rotated: only the latest one works. Had a
    // writer put back an older token, this redemption would fail.
    for (const [i, config] of configs.entries()) {
      const token = await createAuthenticator(config).acquireTokenSilently({ forceRefresh: true });
      expect(token.account.username).toBe(`user${i}@warden.example`);
    }
    // Polls count as token requests too, so at least: the device code grant, the refreshes, the check above.
    for (const idp of idps) expect(idp.stats().tokenRequests).toBeGreaterThanOrEqual(1 + REFRESHES + 1);
  }, 90_000);

  it('two processes of one account refreshing at once (single-use refresh tokens) both stay signed in', async () => {
    const idp = idps[0] as RunningDevIdp;
    const config = buildLoginConfig({
      authorityHost: idp.authorityHost,
      tenantId: idp.tenantId,
      clientId: idp.clientId,
      apiScope: idp.apiScope,
      cachePath: join(root, 'one-account', 'token_cache.json'),
      caFile: idp.caFile,
      tokenStore: 'file',
    });
    const auth = createAuthenticator(config);
    await auth.signIn({ onDeviceCode: (p) => void idp.approve(p.userCode as string) });
    const before = idp.stats().tokenRequests;
    const children = [0, 1].map(() => startChild({ LOGIN_VALUES: JSON.stringify(loginValues(config)), SIGN_IN: 'no', REFRESHES: '25' }));
    try {
      await Promise.all(children.map((c) => c.waitFor(/READY/)));
      for (const child of children) child.process.stdin?.write('GO\n');
      // A refresh token spent twice fails the second redemption (sign-in required): the child would exit non-zero first.
      await Promise.all(children.map((c) => c.waitFor(/DONE/)));
      expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0]);
    } finally {
      for (const child of children) if (child.process.exitCode === null) child.process.kill();
    }
    for (const child of children) expect(child.output()).not.toMatch(/WARNING|sign-in required/);
    // Each waiting process may take the token the other just stored instead of redeeming again: at most 50 redemptions.
    expect(idp.stats().tokenRequests - before).toBeLessThanOrEqual(50);
    expect((await auth.acquireTokenSilently({ forceRefresh: true })).account.username).toBe('user0@warden.example');
  }, 90_000);
});
