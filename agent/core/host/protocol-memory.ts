/**
 * What Warden learned about a server's protocol revision, kept across runs: an HTTP server that
 * showed it needs the 2025 back-channel (agent/core/mcp/protocol-version.ts) starts on 2025-11-25
 * in later runs too, so a script's first question to it does not fail each time. A server that
 * later refuses that handshake is forgotten (and negotiated with anew).
 *
 * Stored in ~/.config/warden/protocol-versions.json (paths.ts; 0600, replaced atomically under a lock),
 * keyed by a SHA-256 of the server's name and URL (a URL may carry a key in its query). Not
 * responsible for the decision itself (protocol-version.ts) nor for a configured
 * `protocolVersion`, which always wins over what was learned.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { acquireFileLock } from '../../../config/file-lock.js';
import { ensurePrivateDir, PrivateFileError, readPrivateFile, writeFileAtomic } from '../../../config/private-file.js';
import type { ProtocolMemory } from '../mcp/session.js';
import type { ServerConfig } from './server-config.js';

function keyOf(server: ServerConfig): string {
  const where = server.type === 'stdio' ? [server.command, ...server.args].join('\u0000') : server.url;
  return createHash('sha256').update(`${server.name}\n${where}`).digest('hex');
}

async function readVersions(path: string): Promise<Record<string, string>> {
  // A store that is a link or not a file, or damaged, only means learning again.
  const text = await readPrivateFile(path).catch((error: unknown) => {
    if (error instanceof PrivateFileError) return undefined;
    throw error;
  });
  try {
    const value = text === undefined ? undefined : (JSON.parse(text) as { servers?: unknown });
    const servers = value?.servers;
    if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) return {};
    return Object.fromEntries(Object.entries(servers).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** The memory of one server, in the store at `path`. */
export function protocolMemory(path: string, server: ServerConfig): ProtocolMemory {
  const key = keyOf(server);
  return {
    recall: async () => (await readVersions(path))[key],
    remember: async (version) => {
      await ensurePrivateDir(dirname(path));
      const lock = await acquireFileLock(`${path}.lock`);
      try {
        const versions = await readVersions(path);
        if (version === undefined) delete versions[key];
        else versions[key] = version;
        await writeFileAtomic(path, `${JSON.stringify({ servers: versions }, null, 2)}\n`);
      } finally {
        await lock.release();
      }
    },
  };
}
