import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * A cross-process advisory lock: a lock file that appears atomically (hard link of a
 * fully written temp file, so nobody ever reads a half-written owner), holding the owner's
 * pid, host and creation time. A lock whose owner process is gone, or that is older than
 * `staleMs`, is taken over. Holders keep it for milliseconds (read-merge-write of a small file).
 */

export interface LockInfo {
  pid: number;
  host: string;
  /** Epoch ms (the `now` of the process that took it). */
  createdAt: number;
  /** Random id, so a holder only ever removes its own lock. */
  id: string;
}

export interface FileLockOptions {
  /** Give up waiting after this many ms (real time). Default 10 000. */
  timeoutMs?: number;
  /** A lock older than this many ms is considered abandoned. Default 5 000. */
  staleMs?: number;
  /** Clock for lock ages (tests inject one). Default Date.now. */
  now?: () => number;
  /** Called every time the lock is found busy, before waiting (tests sequence on it instead of sleeping). */
  onWait?: (holder: LockInfo | undefined) => void;
  /** Called when an abandoned lock is taken over. */
  onStaleLock?: (holder: LockInfo | undefined) => void;
}

export interface FileLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

export class FileLockTimeoutError extends Error {
  override readonly name = 'FileLockTimeoutError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 5_000;

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function parseInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.createdAt === 'number' && typeof value.id === 'string') {
      return { pid: value.pid, host: String(value.host ?? ''), createdAt: value.createdAt, id: value.id };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** True unless the OS says no such process (EPERM means it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM';
  }
}

interface LockFile {
  text: string;
  info: LockInfo | undefined;
  /** Real-clock modification time, used only when the owner cannot be read. */
  mtimeMs: number;
}

async function readLock(path: string): Promise<LockFile | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const mtimeMs = parseInfo(text) ? 0 : (await stat(path)).mtimeMs;
    return { text, info: parseInfo(text), mtimeMs };
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `path` with `content` only if it does not exist; the content is complete the moment the name appears. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = errno(error);
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      // A file system without hard links: fall back to O_EXCL (a reader may briefly see an empty file; treated as fresh).
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.writeFile(content).finally(() => handle.close());
        return true;
      } catch (inner) {
        if (errno(inner) === 'EEXIST') return false;
        throw inner;
      }
    }
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function isStale(lock: LockFile, now: number, staleMs: number): boolean {
  const info = lock.info;
  // An unreadable owner is a lock being created by the O_EXCL fallback, or left by a crash right then.
  if (!info) return Date.now() - lock.mtimeMs > staleMs;
  if (now - info.createdAt > staleMs) return true;
  if (info.host === hostname() && !processAlive(info.pid)) return true;
  return false;
}

/**
 * Removes an abandoned lock without ever removing a live one: move it to a private name
 * (atomic, only one process can win), check it is the one judged stale, and put it back if not.
 */
async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errno(error) === 'ENOENT') return; // someone else removed it first
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== undefined && moved !== staleText) {
    // A fresh lock replaced the stale one between our read and the rename: restore it unless yet another exists.
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until the lock at `path` is ours. Throws FileLockTimeoutError naming the holder. */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<FileLock> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const started = performance.now();
  let attempt = 0;
  for (;;) {
    const info: LockInfo = { pid: process.pid, host: hostname(), createdAt: now(), id: randomBytes(12).toString('hex') };
    if (await createExclusive(path, JSON.stringify(info))) return heldLock(path, info);

    const current = await readLock(path);
    if (current === undefined) continue; // released meanwhile: try again at once
    if (isStale(current, now(), staleMs)) {
      options.onStaleLock?.(current.info);
      await takeOver(path, current.text);
      continue;
    }
    if (performance.now() - started >= timeoutMs) {
      const who = current.info ? `process ${current.info.pid}${current.info.host !== hostname() ? ` on ${current.info.host}` : ''}` : 'another process';
      throw new FileLockTimeoutError(`${path} is locked by ${who}; gave up after ${Math.round(timeoutMs / 1000)} s`);
    }
    options.onWait?.(current.info);
    attempt += 1;
    await pause(Math.min(50, 2 + attempt * 3) + Math.random() * 5);
  }
}

function heldLock(path: string, info: LockInfo): FileLock {
  let released = false;
  return {
    path,
    info,
    async release() {
      if (released) return;
      released = true;
      const current = await readLock(path).catch(() => undefined);
      if (current?.info?.id === info.id) await unlink(path).catch(() => undefined);
    },
  };
}

/** `work` while holding the lock at `path`; released however `work` ends. */
export async function withFileLock<T>(path: string, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  const lock = await acquireFileLock(path, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
