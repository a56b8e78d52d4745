import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { cacheProblem } from '../../auth/login/file-cache.js';
import { buildLoginConfig, createAuthenticator } from '../../auth/login/index.js';

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
  await auth.signIn({ onDeviceCode: (p) => process.stdout.write('CODE ' + p.userCode + '\\n') });
  process.stdout.write('READY\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  for (let i = 0; i < ${REFRESHES}; i += 1) await auth.acquireTokenSilently({ forceRefresh: true });
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

describe('one token cache file, four processes writing at once', () => {
  it('keeps every account and every rotated refresh token; the file stays valid', async () => {
    if (!existsSync(DIST_LOGIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const cachePath = join(root, 'shared', 'token_cache.json');
    const configs = idps.map((idp) =>
      buildLoginConfig({ authorityHost: idp.authorityHost, tenantId: idp.tenantId, clientId: idp.clientId, apiScope: idp.apiScope, cachePath, caFile: idp.caFile }),
    );
    const children = configs.map((config) =>
      startChild({ LOGIN_VALUES: JSON.stringify({ authority: config.authority, clientId: config.clientId, apiScope: config.apiScope, cachePath, caFile: config.caFile }) }),
    );
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
    expect(readdirSync(join(root, 'shared')).sort()).toEqual(['token_cache.json', 'token_cache.json.authority.json']);

    // Each provider consumed every refresh token it rotated: only the latest one works. Had a
    // writer put back an older token, this redemption would fail.
    for (const [i, config] of configs.entries()) {
      const token = await createAuthenticator(config).acquireTokenSilently({ forceRefresh: true });
      expect(token.account.username).toBe(`user${i}@warden.example`);
    }
    // Polls count as token requests too, so at least: the device code grant, the refreshes, the check above.
    for (const idp of idps) expect(idp.stats().tokenRequests).toBeGreaterThanOrEqual(1 + REFRESHES + 1);
  });
});
