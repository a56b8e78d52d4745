import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireFileLock, type FileLockOptions } from '../../config/file-lock.js';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../../config/private-file.js';
import type { TokenStoreChoice } from './choice.js';
import { DataKeyEntry, SecretStoreUnavailableError, secretStoreName } from './keyring.js';
import { newDataKey, seal, sealedWith, unseal, UnsealError, type DataKey } from './sealed.js';

/**
 * Where Warden's token files rest (the MSAL cache, the OAuth grants): the one place that reads and
 * writes them, by WARDEN_TOKEN_STORE (choice.ts).
 *
 * - keychain, or auto with the OS secret store reachable: a random data key per token directory
 *   in the OS secret store (keyring.ts), each file sealed with it (AES-256-GCM, sealed.ts) in its
 *   usual place, 0600;
 * - file, or auto without a reachable secret store: the 0600 file as it is, unencrypted; auto says
 *   so in one line, once per process, when tokens first go there unencrypted (not on each refresh after);
 * - moving between them keeps the sign-in: a plaintext file is sealed on first use where the
 *   secret store is reachable (the plaintext is replaced), a sealed one opened back into the file
 *   under `file`; sealed tokens whose key cannot be reached here count as none (signing in again
 *   replaces them), under `keychain` that is an error instead;
 * - a sealed file whose key is gone (or that was changed) throws UnsealError: the caller sets it
 *   aside like a corrupt file.
 *
 * The caller locks: `write` runs under the file's lock (`<file>.lock`, config/file-lock.ts),
 * `read` says whether it holds it (a migration takes it otherwise).
 * Not responsible for the files' formats (auth/login/file-cache.ts, auth/oauth/token-store.ts).
 */

/** What a token file is: authenticated with its sealed form, so one cannot be passed off as the other. */
export type TokenPurpose = 'msal-cache' | 'oauth-grants';

/** A token store cannot be used as the user chose (keychain, and the secret store not reachable). */
export class TokenStoreError extends Error {
  override readonly name = 'TokenStoreError';
}

export interface TokenVaultOptions {
  /** The token directory (absolute): its key is one entry of the secret store. */
  dir: string;
  choice: TokenStoreChoice;
  /** One line for the user (the fallback to the file; sealed tokens unreadable here). */
  onNotice?: (line: string) => void;
  lock?: FileLockOptions;
}

/** Which store holds the tokens, for `warden status`. */
export interface TokenStoreDescription {
  store: 'keychain' | 'file';
  /** The secret store's name (Secret Service, macOS Keychain, Windows Credential Manager). */
  backend: string;
  encrypted: boolean;
  /** Why the file: chosen, or the secret store's reason. */
  why?: string;
  /** keychain chosen and the secret store not reachable. */
  unavailable?: string;
}

/** One directory's key, shared by every vault of the process on that directory. */
interface DirState {
  entry: DataKeyEntry;
  key?: DataKey;
  noticed: Set<string>;
}

const dirs = new Map<string, DirState>();

function stateOf(dir: string): DirState {
  let state = dirs.get(dir);
  if (!state) {
    state = { entry: new DataKeyEntry(dir), noticed: new Set() };
    dirs.set(dir, state);
  }
  return state;
}

export class TokenVault {
  private readonly state: DirState;
  readonly dir: string;
  readonly choice: TokenStoreChoice;

  constructor(private readonly options: TokenVaultOptions) {
    this.dir = options.dir;
    this.choice = options.choice;
    this.state = stateOf(options.dir);
  }

  /** The text of the token file at `path`, or undefined when there is none (or its sealed tokens cannot be read here). */
  async read(path: string, purpose: TokenPurpose, { locked }: { locked: boolean }): Promise<string | undefined> {
    const content = await readPrivateFile(path);
    if (content === undefined) return undefined;
    const keyId = sealedWith(content);
    if (keyId === undefined) {
      if (this.choice !== 'file') await this.sealInPlace(path, purpose, locked);
      return content;
    }
    const found = await this.fromStore(
      () => this.keyFor(keyId),
      (reason) =>
        this.notice(
          'sealed',
          `the tokens in ${path} are encrypted with a key in the OS secret store, which is not reachable here (${reason}); signing in again keeps new tokens in the file`,
        ),
    );
    if (!found) return undefined;
    const key = found.value;
    if (!key) throw new UnsealError(`its data key is not in the ${secretStoreName()} any more`);
    const text = unseal(content, key, purpose);
    if (this.choice === 'file') await this.underLock(path, locked, () => this.replaceIf(path, (c) => sealedWith(c) === keyId, text));
    return text;
  }

  /** Replaces the token file at `path` with `text`, sealed where the store allows; the caller holds `<path>.lock`. */
  async write(path: string, purpose: TokenPurpose, text: string): Promise<void> {
    if (this.choice === 'file') return writeFileAtomic(path, text);
    let unreachable: string | undefined;
    const key = await this.fromStore(
      () => this.currentKey(true),
      (reason) => {
        unreachable = reason;
      },
    );
    // The user hears of the fallback when tokens first go to the file unencrypted, not on each refresh after.
    if (unreachable !== undefined && !(await this.holdsPlaintext(path))) {
      this.notice(
        'fallback',
        `no OS secret store is reachable (${unreachable}); tokens are kept unencrypted in the 0600 file ${path}. Set WARDEN_TOKEN_STORE=file to keep them there without this notice, or keychain to require a secret store`,
      );
    }
    await writeFileAtomic(path, key ? seal(text, key.value, purpose) : text);
  }

  /** Before a sign-in asks the user for anything: under keychain the secret store must be reachable (one line otherwise). */
  async ready(): Promise<void> {
    if (this.choice !== 'keychain') return;
    try {
      await this.currentKey(true);
    } catch (error) {
      throw error instanceof SecretStoreUnavailableError ? this.keychainError(error) : error;
    }
  }

  /** Which store holds the tokens (asks the secret store, changes nothing). */
  async describe(): Promise<TokenStoreDescription> {
    const backend = secretStoreName();
    if (this.choice === 'file') return { store: 'file', backend, encrypted: false, why: 'WARDEN_TOKEN_STORE=file' };
    try {
      await this.currentKey(false);
      return { store: 'keychain', backend, encrypted: true };
    } catch (error) {
      if (!(error instanceof SecretStoreUnavailableError)) throw error;
      if (this.choice === 'keychain') return { store: 'keychain', backend, encrypted: true, unavailable: error.reason };
      return { store: 'file', backend, encrypted: false, why: `no OS secret store is reachable: ${error.reason}` };
    }
  }

  /**
   * Removes the token files and the directory's data key (`warden logout` with nothing left
   * signed in). What could not be removed is returned as reasons, never thrown.
   */
  async clear(paths: readonly string[]): Promise<string[]> {
    const problems = await this.remove(paths);
    this.state.key = undefined;
    await this.state.entry.remove().catch((error: unknown) => {
      // No reachable store holds no key of ours; only a store that refused is worth a line.
      if (!(error instanceof SecretStoreUnavailableError) || this.choice === 'keychain') problems.push(`the data key in the ${secretStoreName()}: ${(error as Error).message}`);
    });
    return problems;
  }

  /** Removes token files (already gone is fine), keeping the data key; what could not be removed, one line each. */
  async remove(paths: readonly string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const path of paths) {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') problems.push(`${path}: ${error.code ?? error.message}`);
      });
    }
    return problems;
  }

  /**
   * `get()` from the secret store; where the store is not reachable, keychain throws its one line
   * and auto/file get undefined after `onUnreachable(reason)`.
   */
  private async fromStore<T>(get: () => Promise<T>, onUnreachable: (reason: string) => void = () => undefined): Promise<{ value: T } | undefined> {
    try {
      return { value: await get() };
    } catch (error) {
      if (!(error instanceof SecretStoreUnavailableError)) throw error;
      if (this.choice === 'keychain') throw this.keychainError(error);
      onUnreachable(error.reason);
      return undefined;
    }
  }

  private keychainError(error: SecretStoreUnavailableError): TokenStoreError {
    return new TokenStoreError(
      `WARDEN_TOKEN_STORE=keychain, but the ${secretStoreName()} is not reachable (${error.reason}); make it reachable, or set WARDEN_TOKEN_STORE=auto to fall back to the 0600 file`,
    );
  }

  /** Whether the token file at `path` already holds unencrypted tokens. */
  private async holdsPlaintext(path: string): Promise<boolean> {
    const content = await readPrivateFile(path);
    return content !== undefined && sealedWith(content) === undefined;
  }

  private notice(kind: string, line: string): void {
    if (this.state.noticed.has(kind)) return;
    this.state.noticed.add(kind);
    this.options.onNotice?.(line);
  }

  /** The key a sealed file names: the one in memory, else the store's (another process may have made a new one). */
  private async keyFor(id: string): Promise<DataKey | undefined> {
    if (this.state.key?.id === id) return this.state.key;
    const key = await this.currentKey(false);
    return key?.id === id ? key : undefined;
  }

  /**
   * The key in the store now (read afresh: `warden logout` elsewhere may have removed it), made
   * when there is none and `create` says so — under a lock, so two processes never make two keys.
   */
  private async currentKey(create: true): Promise<DataKey>;
  private async currentKey(create: false): Promise<DataKey | undefined>;
  private async currentKey(create: boolean): Promise<DataKey | undefined> {
    const found = await this.state.entry.read();
    if (found || !create) return this.remember(found);
    await ensurePrivateDir(this.dir);
    const lock = await acquireFileLock(join(this.dir, '.token-key.lock'), this.options.lock);
    try {
      const again = await this.state.entry.read();
      if (again) return this.remember(again);
      const made = newDataKey();
      await this.state.entry.write(made);
      return this.remember(made);
    } finally {
      await lock.release();
    }
  }

  private remember(key: DataKey | undefined): DataKey | undefined {
    if (key) this.state.key = key;
    return key;
  }

  /** Today's plaintext file sealed in place (the plaintext replaced); left as it is where auto finds no secret store. */
  private async sealInPlace(path: string, purpose: TokenPurpose, locked: boolean): Promise<void> {
    const key = await this.fromStore(() => this.currentKey(true));
    if (!key) return;
    await this.underLock(path, locked, async () => {
      const again = await readPrivateFile(path);
      if (again !== undefined && sealedWith(again) === undefined) await writeFileAtomic(path, seal(again, key.value, purpose));
    });
  }

  private async replaceIf(path: string, still: (content: string) => boolean, text: string): Promise<void> {
    const again = await readPrivateFile(path);
    if (again !== undefined && still(again)) await writeFileAtomic(path, text);
  }

  private async underLock(path: string, locked: boolean, work: () => Promise<void>): Promise<void> {
    if (locked) return work();
    const lock = await acquireFileLock(`${path}.lock`, this.options.lock);
    try {
      await work();
    } finally {
      await lock.release();
    }
  }
}
