import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLoginConfig, createAuthenticator } from '../../auth/login/index.js';
import { cacheProblem } from '../../auth/login/file-cache.js';
import { PrivateFileError, readPrivateFile, writeFileAtomic } from '../../config/private-file.js';
import { acquireFileLock, FileLockTimeoutError, type LockInfo } from '../../config/file-lock.js';
import { fixtureCache, type FixtureAccount } from '../helpers/msal-cache-fixture.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'warden-cache-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Resolves the next time `register` calls back: sequencing on events instead of sleeping. */
function nextCall<T>(): { fn: (value: T) => void; called: Promise<T> } {
  let fn!: (value: T) => void;
  const called = new Promise<T>((resolve) => (fn = resolve));
  return { fn, called };
}

describe('writeFileAtomic / readPrivateFile', () => {
  it('creates missing directories 0700 and the file 0600, leaving existing parents alone', async () => {
    chmodSync(root, 0o755);
    const path = join(root, 'a', 'b', 'token_cache.json');
    await writeFileAtomic(path, '{}');
    expect(mode(join(root, 'a'))).toBe(0o700);
    expect(mode(join(root, 'a', 'b'))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
    expect(mode(root)).toBe(0o755);
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });

  it('tightens an existing cache file that others could read to 0600', async () => {
    const path = join(root, 'token_cache.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    chmodSync(path, 0o644);
    expect(await readPrivateFile(path)).toBe('{}');
    expect(mode(path)).toBe(0o600);
    expect(await readPrivateFile(join(root, 'missing.json'))).toBeUndefined();
  });

  it('refuses a symbolic link at the path, naming it, and leaves the file it points at untouched', async () => {
    const elsewhere = join(root, 'someone-elses.txt');
    writeFileSync(elsewhere, 'not a cache');
    chmodSync(elsewhere, 0o644);
    const path = join(root, 'token_cache.json');
    symlinkSync(elsewhere, path);
    const error = await readPrivateFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrivateFileError);
    expect((error as PrivateFileError).message).toBe(`refusing ${path}: it is a symbolic link; Warden keeps tokens only in a regular file (check WARDEN_TOKEN_CACHE)`);
    expect(mode(elsewhere)).toBe(0o644);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it('refuses a directory at the path, naming it, and leaves its mode alone', async () => {
    const project = join(root, 'project');
    mkdirSync(project);
    chmodSync(project, 0o755);
    const error = await readPrivateFile(project).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`refusing ${project}: it is a directory; Warden keeps tokens only in a regular file (check WARDEN_TOKEN_CACHE)`);
    expect(mode(project)).toBe(0o755);
  });

  it('leaves a loose file alone when another hard link shares it', async () => {
    const original = join(root, 'shared.txt');
    writeFileSync(original, '{}');
    chmodSync(original, 0o644);
    const path = join(root, 'token_cache.json');
    linkSync(original, path);
    expect(await readPrivateFile(path)).toBe('{}');
    expect(mode(original)).toBe(0o644);
  });

  it('never exposes a partly written file to concurrent readers and leaves no temp files', async () => {
    const path = join(root, 'token_cache.json');
    const a = JSON.stringify({ v: 'a'.repeat(400_000) });
    const b = JSON.stringify({ v: 'b'.repeat(700_000) });
    await writeFileAtomic(path, a);
    let writing = true;
    const seen = new Set<number>();
    const reader = (async () => {
      let reads = 0;
      while (writing || reads < 5) {
        const text = await readFile(path, 'utf8');
        expect(text === a || text === b).toBe(true);
        seen.add(text.length);
        reads += 1;
      }
      return reads;
    })();
    for (let i = 0; i < 30; i += 1) await writeFileAtomic(path, i % 2 ? a : b);
    writing = false;
    expect(await reader).toBeGreaterThan(0);
    expect(readdirSync(root)).toEqual(['token_cache.json']);
  });

  it('a failed write leaves the previous content and no temp file behind', async () => {
    const path = join(root, 'token_cache.json');
    mkdirSync(path); // renaming a file over a directory fails
    await expect(writeFileAtomic(path, '{"new":true}')).rejects.toThrow();
    expect(readdirSync(root)).toEqual(['token_cache.json']);
    expect(statSync(path).isDirectory()).toBe(true);
  });

  it('recognises empty, truncated and foreign content', () => {
    expect(cacheProblem('')).toBe('empty file');
    expect(cacheProblem('{"Account":{"x":{')).toMatch(/not valid JSON/);
    expect(cacheProblem('[]')).toBe('not a JSON object');
    expect(cacheProblem('{"Account":[1]}')).toMatch(/Account/);
    expect(cacheProblem('{"Account":{},"AccessToken":{}}')).toBeUndefined();
  });
});

describe('acquireFileLock', () => {
  it('is exclusive: a second taker waits until the first releases', async () => {
    const path = join(root, 'x.lock');
    const first = await acquireFileLock(path);
    expect(mode(path)).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });

    const waited = nextCall<LockInfo | undefined>();
    let acquired = false;
    const second = acquireFileLock(path, { onWait: waited.fn }).then((lock) => ((acquired = true), lock));
    expect((await waited.called)?.id).toBe(first.info.id);
    expect(acquired).toBe(false);
    await first.release();
    const lock = await second;
    expect(lock.info.id).not.toBe(first.info.id);
    await lock.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const path = join(root, 'x.lock');
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: hostname(), createdAt: Date.now(), id: 'dead' }));
    const stale = nextCall<LockInfo | undefined>();
    const lock = await acquireFileLock(path, { onStaleLock: stale.fn, timeoutMs: 2000 });
    expect((await stale.called)?.id).toBe('dead');
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock older than staleMs even if its owner still runs', async () => {
    const path = join(root, 'x.lock');
    const now = 1_000_000;
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), createdAt: now - 6000, id: 'old' }));
    const lock = await acquireFileLock(path, { now: () => now, staleMs: 5000, timeoutMs: 2000 });
    expect(lock.info.createdAt).toBe(now);
    await lock.release();
  });

  it('gives up after timeoutMs on a live lock, naming its holder', async () => {
    const path = join(root, 'x.lock');
    const held = await acquireFileLock(path);
    await expect(acquireFileLock(path, { timeoutMs: 50 })).rejects.toThrow(FileLockTimeoutError);
    await expect(acquireFileLock(path, { timeoutMs: 50 })).rejects.toThrow(`locked by process ${process.pid}`);
    await held.release();
  });

  it('release never removes a lock that someone else holds now', async () => {
    const path = join(root, 'x.lock');
    const mine = await acquireFileLock(path);
    // Someone judged it stale and took over.
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), createdAt: Date.now(), id: 'theirs' }));
    await mine.release();
    expect(JSON.parse(readFileSync(path, 'utf8')).id).toBe('theirs');
  });
});

describe('FileTokenCache through MSAL', () => {
  const CLIENT = 'cccccccc-0000-0000-0000-000000000001';
  const TENANT = '11111111-2222-3333-4444-555555555555';
  const HOST = 'localhost:4433';
  const SCOPE = 'api://warden-test/execute';
  const fixture = { clientId: CLIENT, environment: HOST, scope: SCOPE, expiresOn: Math.floor(Date.now() / 1000) + 3600 };
  const person = (n: number, iat = 100 + n): FixtureAccount => ({ oid: `0000000${n}-aaaa-bbbb-cccc-000000000000`, tenantId: TENANT, username: `user${n}@warden.example`, iat });
  const NOW = Date.UTC(2030, 0, 2, 3, 4, 5);

  function setup(options: { lockTimeoutMs?: number } = {}) {
    const cachePath = join(root, 'cfg', 'warden', 'token_cache.json');
    const config = buildLoginConfig({ authorityHost: `https://${HOST}`, tenantId: TENANT, clientId: CLIENT, apiScope: SCOPE, cachePath });
    const warnings: string[] = [];
    const make = () =>
      createAuthenticator(config, {
        now: () => NOW,
        onWarning: (line) => warnings.push(line),
        ...(options.lockTimeoutMs !== undefined && { lock: { timeoutMs: options.lockTimeoutMs } }),
      });
    return { cachePath, make, warnings };
  }

  it('reads accounts another process wrote; the newest sign-in is the current account; no network needed', async () => {
    const { cachePath, make } = setup();
    await writeFileAtomic(cachePath, fixtureCache([person(1, 500), person(2, 900), person(3, 700)], fixture));
    const auth = make();
    expect(await auth.currentAccount()).toMatchObject({ username: 'user2@warden.example', tenantId: TENANT });
    const cached = await auth.cachedSignIn();
    expect(cached).toMatchObject({ account: { username: 'user2@warden.example' }, scopes: [SCOPE], canRefresh: true });
    expect(cached?.expiresOn?.getTime()).toBe(fixture.expiresOn * 1000);
    expect(JSON.stringify(cached)).not.toContain('dummy');
  });

  it('moves a truncated cache aside with one warning and starts empty', async () => {
    const { cachePath, make, warnings } = setup();
    const whole = fixtureCache([person(1)], fixture);
    await writeFileAtomic(cachePath, whole.slice(0, whole.length / 2));
    const auth = make();
    expect(await auth.currentAccount()).toBeUndefined();
    expect(warnings).toHaveLength(1);
    const aside = `${cachePath}.corrupt-${NOW}`;
    expect(warnings[0]).toBe(`the token cache ${cachePath} was unreadable (not valid JSON, perhaps truncated); moved it to ${aside}; sign in again`);
    expect(readFileSync(aside, 'utf8')).toBe(whole.slice(0, whole.length / 2));
    expect(mode(aside)).toBe(0o600);
    // The next access finds no file and does not warn again.
    expect(await auth.currentAccount()).toBeUndefined();
    expect(await auth.signOut()).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('refuses WARDEN_TOKEN_CACHE pointing at a directory or a symbolic link with one line naming it, changing no mode', async () => {
    const { cachePath, make } = setup();
    mkdirSync(cachePath, { recursive: true });
    chmodSync(cachePath, 0o755);
    await expect(make().currentAccount()).rejects.toThrow(`refusing ${cachePath}: it is a directory;`);
    expect(mode(cachePath)).toBe(0o755);

    rmSync(cachePath, { recursive: true });
    const elsewhere = join(root, 'notes.txt');
    writeFileSync(elsewhere, 'x');
    chmodSync(elsewhere, 0o664);
    symlinkSync(elsewhere, cachePath);
    await expect(make().currentAccount()).rejects.toThrow(`refusing ${cachePath}: it is a symbolic link;`);
    expect(mode(elsewhere)).toBe(0o664);
    expect(readFileSync(elsewhere, 'utf8')).toBe('x');
  });

  it('warns once about a cache directory other users can write to, and leaves its mode alone', async () => {
    const { cachePath, make, warnings } = setup();
    await writeFileAtomic(cachePath, fixtureCache([person(1)], fixture));
    const dir = join(root, 'cfg', 'warden');
    chmodSync(dir, 0o777);
    const auth = make();
    expect(await auth.currentAccount()).toMatchObject({ username: 'user1@warden.example' });
    expect(await auth.currentAccount()).toMatchObject({ username: 'user1@warden.example' });
    expect(warnings).toEqual([`the token cache directory ${dir} is writable by other users (mode 777); consider chmod 700`]);
    expect(mode(dir)).toBe(0o777);
  });

  it('treats an empty file or a JSON array as corrupt too', async () => {
    const { cachePath, make, warnings } = setup();
    await writeFileAtomic(cachePath, '');
    expect(await make().currentAccount()).toBeUndefined();
    await writeFileAtomic(cachePath, '[1,2]');
    expect(await make().currentAccount()).toBeUndefined();
    expect(warnings.map((w) => w.match(/\(([^)]*)\)/)?.[1])).toEqual(['empty file', 'not a JSON object']);
    expect(
      readdirSync(join(root, 'cfg', 'warden'))
        .filter((f) => f.includes('.corrupt-'))
        .sort(),
    ).toEqual([`token_cache.json.corrupt-${NOW}`, `token_cache.json.corrupt-${NOW}-1`]);
  });

  it('re-reads the file under the lock before writing, so two processes never undo each other', async () => {
    const { cachePath, make } = setup();
    await writeFileAtomic(cachePath, fixtureCache([person(1, 300), person(2, 200), person(3, 100)], fixture));
    const a = make();
    const b = make();
    expect((await a.currentAccount())?.username).toBe('user1@warden.example'); // a has all three in memory
    expect((await b.signOut())?.username).toBe('user1@warden.example');
    // a's memory still holds user1; its removal must not bring user1 back.
    expect((await a.signOut())?.username).toBe('user2@warden.example');
    const file = JSON.parse(readFileSync(cachePath, 'utf8'));
    expect(Object.values(file.Account).map((x) => (x as { username: string }).username)).toEqual(['user3@warden.example']);
    expect(Object.keys(file.RefreshToken)).toHaveLength(1);
    expect(mode(cachePath)).toBe(0o600);
    expect(mode(join(root, 'cfg', 'warden'))).toBe(0o700);
  });

  it('waits for another process holding the cache lock, then writes', async () => {
    const { cachePath } = setup();
    await writeFileAtomic(cachePath, fixtureCache([person(1)], fixture));
    const held = await acquireFileLock(`${cachePath}.lock`);
    const waited = nextCall<LockInfo | undefined>();
    const cachePathConfig = buildLoginConfig({ authorityHost: `https://${HOST}`, tenantId: TENANT, clientId: CLIENT, apiScope: SCOPE, cachePath });
    const auth = createAuthenticator(cachePathConfig, { lock: { onWait: waited.fn } });
    let done = false;
    const signingOut = auth.signOut().then((r) => ((done = true), r));
    await waited.called;
    expect(done).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(cachePath, 'utf8')).Account)).toHaveLength(1);
    await held.release();
    expect((await signingOut)?.username).toBe('user1@warden.example');
    expect(JSON.parse(readFileSync(cachePath, 'utf8')).Account).toEqual({});
  });

  it('gives up on a lock that is never released, leaving the file untouched', async () => {
    const { cachePath, make } = setup({ lockTimeoutMs: 50 });
    const content = fixtureCache([person(1)], fixture);
    await writeFileAtomic(cachePath, content);
    const held = await acquireFileLock(`${cachePath}.lock`);
    await expect(make().signOut()).rejects.toThrow(/locked by process/);
    expect(readFileSync(cachePath, 'utf8')).toBe(content);
    await held.release();
  });
});
