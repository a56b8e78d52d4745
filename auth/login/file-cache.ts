import { rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ICachePlugin, ISerializableTokenCache, TokenCacheContext } from '@azure/msal-node';
import { acquireFileLock, type FileLock, type FileLockOptions } from '../../config/file-lock.js';
import { ensurePrivateDir } from '../../config/private-file.js';
import { UnsealError } from '../store/sealed.js';
import type { TokenVault } from '../store/vault.js';

/**
 * MSAL's token cache persisted in one file (mode 0600, directory 0700), read and written through
 * the token vault (auth/store/vault.ts: sealed with a data key in the OS secret store, or plain):
 *
 * - every access re-reads the file, so a process sees what others wrote;
 * - a write (a new or refreshed token, a removed account) holds a cross-process lock from
 *   before MSAL changes its in-memory cache until the file is replaced, and re-reads the file
 *   under that lock first: MSAL's deserialize() replaces the in-memory cache with the file and
 *   serialize() merges the change into that snapshot, so concurrent writers never drop each
 *   other's accounts or tokens;
 * - the file is replaced atomically (temp file in the same directory, fsync, rename);
 * - a corrupt or truncated file is moved aside to `<file>.corrupt-<time>` with one warning,
 *   and the cache starts empty (the user signs in again).
 *
 * - only a regular file is used: a symbolic link or a directory at the path is refused
 *   (PrivateFileError), and Warden changes the mode only of files and directories it created
 *   (or a lone cache file of the user's own); a cache directory others can write to, or that
 *   belongs to someone else, gets one warning.
 *
 * Tokens are never written anywhere but this file, and never logged.
 */

export interface FileTokenCacheOptions {
  path: string;
  /** Where the file's content rests (sealed or plain), by WARDEN_TOKEN_STORE. */
  vault: TokenVault;
  /** One line for the user, e.g. that a corrupt cache was moved aside. */
  onWarning?: (line: string) => void;
  lock?: FileLockOptions;
  /** Clock for the `.corrupt-<time>` suffix. Default Date.now. */
  now?: () => number;
}

/** What MSAL's serializer writes when nothing is cached. */
export const EMPTY_CACHE = JSON.stringify({ Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} });
const SECTIONS = ['Account', 'IdToken', 'AccessToken', 'RefreshToken', 'AppMetadata'] as const;

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line when `dir` (followed, as it is used) lets other users replace the cache: writable by them, or theirs. */
async function cacheDirWarning(dir: string): Promise<string | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return undefined;
  const mode = info.mode & 0o777;
  if ((mode & 0o022) !== 0) return `the token cache directory ${dir} is writable by other users (mode ${mode.toString(8)}); consider chmod 700`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) return `the token cache directory ${dir} belongs to another user (uid ${info.uid}); use a directory of your own`;
  return undefined;
}

/** Why `text` is not a usable MSAL cache file, or undefined when it is. */
export function cacheProblem(text: string): string | undefined {
  if (text.trim() === '') return 'empty file';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON, perhaps truncated';
  }
  if (!isPlainObject(value)) return 'not a JSON object';
  for (const section of SECTIONS) {
    const entries = value[section];
    if (entries === undefined) continue;
    if (!isPlainObject(entries) || !Object.values(entries).every(isPlainObject)) return `unexpected "${section}" section`;
  }
  return undefined;
}

/** MSAL's own bookkeeping in the key-value store, not part of the serialized cache: keep it. */
const MSAL_INTERNAL_KEY = /^(authority-metadata|throttling|server-telemetry)/;

/**
 * Makes MSAL's in-memory cache equal to `text`. deserialize() alone merges into what is in
 * memory, so an account another process removed would survive here and be written back;
 * the live key-value store (getKVStore returns it by reference) is emptied first.
 */
function loadInto(tokenCache: ISerializableTokenCache, text: string): void {
  const store = (tokenCache as ISerializableTokenCache & { getKVStore?: () => Record<string, unknown> }).getKVStore?.();
  // (test/unit/file-cache.test.ts fails loudly should a future MSAL stop returning the live store)
  for (const key of Object.keys(store ?? {})) if (!MSAL_INTERNAL_KEY.test(key)) delete store?.[key];
  tokenCache.deserialize(text);
}

/** A promise-chain mutex with a bounded wait: MSAL may run cache accesses of one process concurrently. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async lock(timeoutMs: number, what: string): Promise<() => void> {
    let unlock!: () => void;
    const mine = new Promise<void>((resolve) => (unlock = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} is busy in this process; gave up after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    try {
      await Promise.race([previous, timedOut]);
    } catch (error) {
      // Give up our turn without blocking those queued behind us.
      void previous.then(unlock);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    let done = false;
    return () => {
      if (!done) {
        done = true;
        unlock();
      }
    };
  }
}

interface Access {
  unlock: () => void;
  fileLock?: FileLock;
}

/** The MSAL cache plugin that keeps the token cache in one private file. */
export class FileTokenCache implements ICachePlugin {
  readonly path: string;
  readonly lockPath: string;
  private readonly options: FileTokenCacheOptions;
  private readonly mutex = new Mutex();
  private readonly accesses = new WeakMap<TokenCacheContext, Access>();
  /** The directory warning is given once per process. */
  private dirChecked = false;

  constructor(options: FileTokenCacheOptions) {
    this.options = options;
    this.path = options.path;
    this.lockPath = `${options.path}.lock`;
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const unlock = await this.mutex.lock(this.options.lock?.timeoutMs ?? 10_000, this.path);
    const access: Access = { unlock };
    try {
      if (!this.dirChecked) {
        this.dirChecked = true;
        const warning = await cacheDirWarning(dirname(this.path));
        if (warning) this.options.onWarning?.(warning);
      }
      if (context.cacheHasChanged) {
        await ensurePrivateDir(dirname(this.path));
        access.fileLock = await acquireFileLock(this.lockPath, this.options.lock);
      }
      const locked = access.fileLock !== undefined;
      const text = await this.readValid(locked, cacheProblem);
      try {
        loadInto(context.tokenCache, text ?? EMPTY_CACHE);
      } catch {
        // Valid JSON that MSAL cannot load: same treatment as a corrupt file.
        const fresh = await this.readValid(locked, (t) => (t === text ? 'not an MSAL token cache' : cacheProblem(t)));
        try {
          loadInto(context.tokenCache, fresh ?? EMPTY_CACHE);
        } catch {
          loadInto(context.tokenCache, EMPTY_CACHE);
        }
      }
      this.accesses.set(context, access);
    } catch (error) {
      await access.fileLock?.release();
      unlock();
      throw error;
    }
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    const access = this.accesses.get(context);
    if (!access) return; // beforeCacheAccess failed and already cleaned up
    this.accesses.delete(context);
    try {
      if (context.cacheHasChanged && access.fileLock) await this.options.vault.write(this.path, 'msal-cache', context.tokenCache.serialize());
    } finally {
      await access.fileLock?.release();
      access.unlock();
    }
  }

  /** The file's text if `problem` finds none; otherwise the file is moved aside (under the lock) and undefined returned. */
  private async readValid(locked: boolean, problem: (text: string) => string | undefined): Promise<string | undefined> {
    const first = await this.readChecked(locked, problem);
    if (first.problem === undefined) return first.text;
    if (locked) return this.moveAside(first.problem);
    // Re-check under the lock: another process may have just replaced the file with a good one.
    await ensurePrivateDir(dirname(this.path));
    const lock = await acquireFileLock(this.lockPath, this.options.lock);
    try {
      const again = await this.readChecked(true, problem);
      return again.problem === undefined ? again.text : await this.moveAside(again.problem);
    } finally {
      await lock.release();
    }
  }

  /** The file's text through the vault, or what is wrong with it (a sealed file that cannot be opened counts as corrupt). */
  private async readChecked(locked: boolean, problem: (text: string) => string | undefined): Promise<{ text?: string; problem?: string }> {
    try {
      const text = await this.options.vault.read(this.path, 'msal-cache', { locked });
      const reason = text === undefined ? undefined : problem(text);
      if (reason !== undefined) return { problem: reason };
      return text === undefined ? {} : { text };
    } catch (error) {
      if (error instanceof UnsealError) return { problem: `encrypted, but ${error.message}` };
      throw error;
    }
  }

  private async moveAside(reason: string): Promise<undefined> {
    const stamp = (this.options.now ?? Date.now)();
    let aside = `${this.path}.corrupt-${stamp}`;
    for (let n = 1; await exists(aside); n += 1) aside = `${this.path}.corrupt-${stamp}-${n}`;
    try {
      await rename(this.path, aside);
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
      return undefined;
    }
    this.options.onWarning?.(`the token cache ${this.path} was unreadable (${reason}); moved it to ${aside}; sign in again`);
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
