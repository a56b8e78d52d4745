import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncEntry } from '@napi-rs/keyring';
import { errorMessage, firstLine } from '../../config/error-text.js';
import type { DataKey } from './sealed.js';

/**
 * The OS secret store, through `@napi-rs/keyring` (keyring-rs; prebuilt binaries from the
 * registry): the macOS Keychain, the Windows Credential Manager, the freedesktop Secret Service
 * (GNOME Keyring, KWallet) on Linux. It holds one small entry per token directory: the data key
 * the token files there are sealed with (Windows entries are small, so the tokens themselves stay
 * in the files). The binding loads on first use, never on the chat's first frame.
 * On Linux the entry is pinned to the Secret Service: the kernel keyring, keyring-rs's other
 * choice, forgets everything at logout and would lose the key with the session.
 * Not responsible for what the key seals (sealed.ts) nor for when to use it (vault.ts).
 */

/** The OS secret store cannot be used here: `reason` says why in a few words. */
export class SecretStoreUnavailableError extends Error {
  override readonly name = 'SecretStoreUnavailableError';
  constructor(readonly reason: string) {
    super(`the OS secret store is not reachable (${reason})`);
  }
}

const SERVICE = 'warden';
/** A store that shows a prompt (a locked keychain) waits for the user; one that hangs does not hold Warden forever. */
const CALL_TIMEOUT_MS = 30_000;
const KEY_VALUE = /^v1:([0-9a-f]{12}):([A-Za-z0-9+/]{43}=)$/;

/** The store's name as the user knows it. */
export function secretStoreName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

let binding: Promise<typeof import('@napi-rs/keyring')> | undefined;

/**
 * Why there can be no Secret Service, known without loading the binding: no session bus to reach
 * it by (no DBUS_SESSION_BUS_ADDRESS, and no per-user bus socket), as over SSH or in a container.
 */
function noSessionBus(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'freebsd') return undefined;
  if (env.DBUS_SESSION_BUS_ADDRESS?.trim()) return undefined;
  const runtime = env.XDG_RUNTIME_DIR?.trim();
  if (runtime) {
    try {
      if (statSync(join(runtime, 'bus')).isSocket()) return undefined;
    } catch {
      // no socket there
    }
  }
  return 'no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set';
}

function unavailable(error: unknown): SecretStoreUnavailableError {
  if (error instanceof SecretStoreUnavailableError) return error;
  const text = firstLine(errorMessage(error), 200).replace(/^(Platform failure|Couldn't access platform storage):\s*/i, '');
  return new SecretStoreUnavailableError(text || 'the secret store answered with an error');
}

/** The data key of one token directory in the OS secret store. Every method throws SecretStoreUnavailableError when the store cannot be used. */
export class DataKeyEntry {
  private entry: Promise<AsyncEntry> | undefined;

  /** `account` names the directory's key (its absolute path). */
  constructor(private readonly account: string) {}

  private open(): Promise<AsyncEntry> {
    this.entry ??= (async () => {
      const why = noSessionBus(process.env);
      if (why) throw new SecretStoreUnavailableError(why);
      const { AsyncEntry } = await (binding ??= import('@napi-rs/keyring'));
      return new AsyncEntry(SERVICE, this.account, { linux: { store: 'secret-service' } });
    })().catch((error: unknown) => {
      throw unavailable(error);
    });
    return this.entry;
  }

  /** The key, or undefined when the store has none (or something that is not one of ours). */
  async read(): Promise<DataKey | undefined> {
    const entry = await this.open();
    const value = await entry.getPassword(AbortSignal.timeout(CALL_TIMEOUT_MS)).catch((error: unknown) => {
      throw unavailable(error);
    });
    const match = value ? KEY_VALUE.exec(value) : null;
    return match?.[1] && match[2] ? { id: match[1], bytes: Buffer.from(match[2], 'base64') } : undefined;
  }

  async write(key: DataKey): Promise<void> {
    const entry = await this.open();
    await entry.setPassword(`v1:${key.id}:${key.bytes.toString('base64')}`, AbortSignal.timeout(CALL_TIMEOUT_MS)).catch((error: unknown) => {
      throw unavailable(error);
    });
  }

  /** True when a key was there. */
  async remove(): Promise<boolean> {
    const entry = await this.open();
    return entry.deleteCredential(AbortSignal.timeout(CALL_TIMEOUT_MS)).catch((error: unknown) => {
      throw unavailable(error);
    });
  }
}
