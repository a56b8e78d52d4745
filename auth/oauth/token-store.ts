import { dirname } from 'node:path';
import { acquireFileLock, type FileLockOptions } from '../../config/file-lock.js';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../../config/private-file.js';

/**
 * OAuth grants of the `oauth` sign-in kind, kept in one 0600 JSON file beside the token cache:
 * the client each authorization server registered for Warden (dynamic client registration) and,
 * per authorization server and resource (RFC 8707), the tokens. Written atomically under the same
 * cross-process lock the MSAL cache uses, so a rotated refresh token is never lost to a race.
 * Not responsible for getting tokens, nor for MSAL's cache (auth/login/msal-cache.ts).
 */

export interface StoredClient {
  clientId: string;
  clientSecret?: string;
}

export interface StoredGrant {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken?: string;
  scope?: string;
  /** Who signed in (the ID token's or access token's `sub`/name), for display only. */
  subject?: string;
  /** The MCP server URL it was got for: found again without asking the server (status, logout). */
  server?: string;
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

/** The key of one grant: tokens for one resource from one authorization server. */
export const grantKey = (issuer: string, resource: string): string => `${issuer} ${resource}`;

export class OAuthTokenStore {
  constructor(
    readonly path: string,
    private readonly lock: FileLockOptions = {},
  ) {}

  private async read(): Promise<StoreFile> {
    const text = await readPrivateFile(this.path);
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

  async grant(key: string): Promise<StoredGrant | undefined> {
    return (await this.read()).grants[key];
  }

  /** The grant got for an MCP server URL, and its key; no network. */
  async grantForServer(serverUrl: string): Promise<{ key: string; grant: StoredGrant } | undefined> {
    const found = Object.entries((await this.read()).grants).find(([, grant]) => grant.server === serverUrl);
    return found && { key: found[0], grant: found[1] };
  }

  /** Read-modify-write under the lock. */
  async update(change: (file: StoreFile) => void): Promise<void> {
    // The lock file (`<store>.lock`) lives beside the store: its 0700 directory must exist first.
    await ensurePrivateDir(dirname(this.path));
    const held = await acquireFileLock(`${this.path}.lock`, this.lock);
    try {
      const file = await this.read();
      change(file);
      await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
    } finally {
      await held.release();
    }
  }
}
