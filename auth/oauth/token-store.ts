import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { acquireFileLock, type FileLockOptions } from '../../config/file-lock.js';
import { ensurePrivateDir } from '../../config/private-file.js';
import { UnsealError } from '../store/sealed.js';
import { TokenVault } from '../store/vault.js';
import { serverKey } from './protected-resource.js';

/**
 * OAuth grants of the `oauth` sign-in kind, kept in one 0600 JSON file beside the token cache:
 * the client each authorization server registered for Warden (dynamic client registration), keyed
 * by the authorization server's issuer, and the tokens, keyed by issuer, resource (RFC 8707) and
 * the MCP server they were obtained for (GrantRef) — a grant is handed to that server only, and a
 * client or refresh token only to its own issuer. Written atomically under the same cross-process
 * lock the MSAL cache uses, so a rotated refresh token is never lost to a race; read and written
 * through the token vault (auth/store/vault.ts: sealed with a key in the OS secret store, or plain).
 * Not responsible for getting tokens, nor for MSAL's cache (auth/login/msal-cache.ts).
 */

export interface StoredClient {
  clientId: string;
  clientSecret?: string;
  /** The `token_endpoint_auth_method` it was registered with, when the registration said (client-auth.ts). */
  authMethod?: string;
}

export interface StoredGrant {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken?: string;
  scope?: string;
  /** Who signed in (the ID token's or access token's `sub`/name), for display only. */
  subject?: string;
  /** The MCP server it was got for (origin + path): found again without asking the server (status, logout). */
  server?: string;
  /** The authorization server refused the refresh token (why, one line): nobody redeems it again; the next step is a sign-in. */
  refused?: string;
}

/** A registration's answer as the store keeps it (its secret and auth method, where it gave them). */
export function storedClient(info: { client_id: string; client_secret?: string | undefined; token_endpoint_auth_method?: string | undefined }): StoredClient {
  return {
    clientId: info.client_id,
    ...(info.client_secret && { clientSecret: info.client_secret }),
    ...(info.token_endpoint_auth_method && { authMethod: info.token_endpoint_auth_method }),
  };
}

interface StoreFile {
  version: 1;
  clients: Record<string, StoredClient>;
  grants: Record<string, StoredGrant>;
}

/** The store's file: oauth_tokens.json beside the token cache. */
export function oauthStorePath(tokenCache: string): string {
  return `${dirname(tokenCache)}/oauth_tokens.json`;
}

const empty = (): StoreFile => ({ version: 1, clients: {}, grants: {} });

/** The client registered for browser sign-ins (authorization code) at an issuer; device-grant clients are keyed by the issuer alone. */
export const browserClientKey = (issuer: string): string => `${issuer} authorization_code`;

/** One grant: tokens from one authorization server (its issuer), for one resource, obtained for one MCP server. */
export interface GrantRef {
  issuer: string;
  resource: string;
  /** The MCP server URL (normalised by the store: origin + path). */
  server: string;
}

/** The store's key of a grant (URLs hold no spaces). */
export const grantKey = (ref: GrantRef): string => `${ref.issuer} ${ref.resource} ${serverKey(ref.server)}`;

/** The issuer a stored grant's key starts with. */
export const issuerOf = (key: string): string => key.split(' ')[0] ?? '';

/** Before grants named their server in the key: `issuer resource`, with the server only inside. */
const legacyKey = (ref: GrantRef): string => `${ref.issuer} ${ref.resource}`;

/** Whether a stored grant's `server` is `serverUrl` (a hand-edited value that is no URL is nobody's). */
function heldFor(grant: StoredGrant | undefined, serverUrl: string): grant is StoredGrant {
  try {
    return grant?.server !== undefined && serverKey(grant.server) === serverKey(serverUrl);
  } catch {
    return false;
  }
}

export interface OAuthTokenStoreOptions {
  /** Where the file rests (WARDEN_TOKEN_STORE); default the plain file (tests and tools; the sign-in kinds pass the user's choice). */
  vault?: TokenVault;
  lock?: FileLockOptions;
}

export class OAuthTokenStore {
  private readonly vault: TokenVault;
  private readonly lock: FileLockOptions;

  constructor(
    readonly path: string,
    options: OAuthTokenStoreOptions = {},
  ) {
    this.vault = options.vault ?? new TokenVault({ dir: dirname(path), choice: 'file' });
    this.lock = options.lock ?? {};
  }

  private async read(locked = false): Promise<StoreFile> {
    let text: string | undefined;
    try {
      text = await this.vault.read(this.path, 'oauth-grants', { locked });
    } catch (error) {
      // Sealed with a key that is gone: as good as no grants (a sign-in each), and the next write replaces it.
      if (error instanceof UnsealError) return empty();
      throw error;
    }
    if (!text) return empty();
    try {
      const parsed = JSON.parse(text) as Partial<StoreFile>;
      return parsed.version === 1 ? { version: 1, clients: parsed.clients ?? {}, grants: parsed.grants ?? {} } : empty();
    } catch {
      // A broken file costs a sign-in, never a crash.
      return empty();
    }
  }

  async client(issuer: string): Promise<StoredClient | undefined> {
    return (await this.read()).clients[issuer];
  }

  /**
   * The grant for exactly this issuer, resource and server. A grant stored before the server was
   * part of the key counts only when it was obtained for this very server.
   */
  async grant(ref: GrantRef): Promise<StoredGrant | undefined> {
    const { grants } = await this.read();
    const found = grants[grantKey(ref)];
    if (found) return found;
    const legacy = grants[legacyKey(ref)];
    return heldFor(legacy, ref.server) ? legacy : undefined;
  }

  /** Stores `grant` for `ref` (replacing an older-format entry of the same grant). */
  async saveGrant(ref: GrantRef, grant: StoredGrant): Promise<void> {
    await this.update((file) => {
      if (heldFor(file.grants[legacyKey(ref)], ref.server)) delete file.grants[legacyKey(ref)];
      file.grants[grantKey(ref)] = { ...grant, server: serverKey(ref.server) };
    });
  }

  /** Before a sign-in: the store the user chose can take the tokens (WARDEN_TOKEN_STORE=keychain needs the secret store). */
  ready(): Promise<void> {
    return this.vault.ready();
  }

  /** Whether any grant is kept (`warden logout` removes the files and the key once none is). */
  async holdsGrants(): Promise<boolean> {
    return Object.keys((await this.read()).grants).length > 0;
  }

  /** The lock a refresh of this grant runs under (auth/store/refresh-lock.ts): one per grant, beside the store. */
  refreshLockPath(ref: GrantRef): string {
    return `${this.path}.refresh-${createHash('sha256').update(grantKey(ref)).digest('hex').slice(0, 16)}.lock`;
  }

  /** The grant got for an MCP server URL, and its key; no network. */
  async grantForServer(serverUrl: string): Promise<{ key: string; grant: StoredGrant } | undefined> {
    const found = Object.entries((await this.read()).grants).find(([, grant]) => heldFor(grant, serverUrl));
    return found && { key: found[0], grant: found[1] };
  }

  /** Read-modify-write under the lock. */
  async update(change: (file: StoreFile) => void): Promise<void> {
    // The lock file (`<store>.lock`) lives beside the store: its 0700 directory must exist first.
    await ensurePrivateDir(dirname(this.path));
    const held = await acquireFileLock(`${this.path}.lock`, this.lock);
    try {
      const file = await this.read(true);
      change(file);
      await this.vault.write(this.path, 'oauth-grants', `${JSON.stringify(file, null, 2)}\n`);
    } finally {
      await held.release();
    }
  }
}
