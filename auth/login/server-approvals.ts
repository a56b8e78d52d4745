import { dirname, join } from 'node:path';
import { ensurePrivateDir, readPrivateFile, writeFileAtomic } from '../../config/private-file.js';
import { acquireFileLock } from '../../config/file-lock.js';
import { authorityHostKey } from './authority.js';

/**
 * The user's record of which MCP servers may receive tokens for which API scope, and which
 * identity-provider hosts beyond Microsoft's they trust: `server-approvals.json` beside the token
 * cache (mode 0600, replaced atomically through file-cache.ts's writer, under a lock so agents
 * approving at once keep each other's approvals).
 *
 * Responsible for: this file, its format, and normalising the server and scope keys.
 * Not responsible for: deciding what needs approval (sign-in-policy.ts) nor MSAL (never imported).
 */

/** `{ version, scopes: { <scope>: [<server resource>…] }, authorityHosts: [<host[:port]>…] }`. */
interface StoredApprovals {
  version: 1;
  scopes: Record<string, string[]>;
  authorityHosts: string[];
}

/** What the file says; a missing or unreadable file says nothing has been approved. */
export interface Approvals {
  /** Normalised scope → the normalised server resources approved to receive its tokens. */
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  /** Lower-case `host[:port]`s approved beyond the built-in allowlist. */
  readonly authorityHosts: ReadonlySet<string>;
}

/** A server URL that cannot name a resource (not http(s), not a URL at all). */
export class ServerResourceError extends Error {
  override readonly name = 'ServerResourceError';
}

/** The file beside the token cache (default ~/.config/warden/server-approvals.json). */
export function approvalsPath(cachePath: string): string {
  return join(dirname(cachePath), 'server-approvals.json');
}

/**
 * A server as a token's resource: origin + path, no trailing slash, no query, fragment or
 * userinfo. `https://u:p@Host:443/mcp/?x#y` → `https://host/mcp`.
 */
export function serverResource(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServerResourceError(`not a server URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ServerResourceError(`not an http(s) server URL: ${parsed.protocol}`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Entra (and MSAL's cache) compare scopes without regard to case or surrounding blanks; so do we. */
export function scopeKey(scope: string): string {
  return scope.trim().toLowerCase();
}

const EMPTY: StoredApprovals = { version: 1, scopes: {}, authorityHosts: [] };

/** A damaged file grants nothing (the next approval rewrites it); an unreadable path is an error for the caller. */
function parse(text: string | undefined): StoredApprovals {
  if (!text) return structuredClone(EMPTY);
  try {
    const value = JSON.parse(text) as Partial<StoredApprovals> | null;
    if (value?.version !== 1) return structuredClone(EMPTY);
    const scopes: Record<string, string[]> = {};
    for (const [scope, servers] of Object.entries(value.scopes ?? {})) {
      if (Array.isArray(servers)) scopes[scopeKey(scope)] = servers.filter((s): s is string => typeof s === 'string');
    }
    const hosts = Array.isArray(value.authorityHosts) ? value.authorityHosts.filter((h): h is string => typeof h === 'string') : [];
    return { version: 1, scopes, authorityHosts: hosts.map((h) => h.toLowerCase()) };
  } catch {
    return structuredClone(EMPTY);
  }
}

/** Reads and writes one approvals file. Every write re-reads the file under the lock first, so concurrent agents add to it. */
export class ServerApprovals {
  constructor(readonly path: string) {}

  async read(): Promise<Approvals> {
    const stored = parse(await readPrivateFile(this.path));
    return {
      scopes: new Map(Object.entries(stored.scopes)),
      authorityHosts: new Set(stored.authorityHosts),
    };
  }

  /** Records that `server` may receive tokens for `scope` (no write when it already may). */
  async approveServer(scope: string, server: string): Promise<void> {
    await this.update((stored) => {
      const key = scopeKey(scope);
      const resource = serverResource(server);
      const servers = stored.scopes[key] ?? [];
      if (servers.includes(resource)) return false;
      stored.scopes[key] = [...servers, resource];
      return true;
    });
  }

  /** Records that `host` (a URL or `host[:port]`) may be used as an identity provider. */
  async approveAuthorityHost(host: string): Promise<void> {
    await this.update((stored) => {
      const key = authorityHostKey(host);
      if (stored.authorityHosts.includes(key)) return false;
      stored.authorityHosts.push(key);
      return true;
    });
  }

  private async update(change: (stored: StoredApprovals) => boolean): Promise<void> {
    await ensurePrivateDir(dirname(this.path));
    const lock = await acquireFileLock(`${this.path}.lock`);
    try {
      const stored = parse(await readPrivateFile(this.path));
      if (change(stored)) await writeFileAtomic(this.path, `${JSON.stringify(stored, null, 2)}\n`);
    } finally {
      await lock.release();
    }
  }
}
