/**
 * Edits an `mcpServers` file in place for `warden mcp add/remove`: everything it does not touch
 * (other servers, unknown keys, key order) is kept; the file is replaced atomically (0600: it
 * may hold header values) under a lock, so two edits never lose each other's change.
 *
 * Not responsible for: validating entries (config-schema.ts), expansion, trust.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { acquireFileLock } from '../../../config/file-lock.js';
import { ensurePrivateDir, writeFileAtomic } from '../../../config/private-file.js';
import { ConfigError } from '../../../config/errors.js';
import { safeLine } from '../../../config/terminal-text.js';

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface RawServerFile {
  /** The whole file (unknown keys included); `{}` when the file does not exist. */
  root: JsonObject;
  /** `root.mcpServers`, created when missing. */
  servers: JsonObject;
  /** SHA-256 of the bytes read; undefined when the file did not exist. */
  hash: string | undefined;
}

/** The file as JSON, without expanding or interpreting entries. */
export async function readRawServerFile(path: string): Promise<RawServerFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const servers: JsonObject = {};
      return { root: { mcpServers: servers }, servers, hash: undefined };
    }
    throw new ConfigError(`cannot read ${safeLine(path, 300)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let root: unknown;
  try {
    root = bytes.toString('utf8').trim() === '' ? {} : JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ConfigError(`${safeLine(path, 300)}: not valid JSON; fix or remove it first`);
  }
  if (!isObject(root)) throw new ConfigError(`${safeLine(path, 300)}: expected a JSON object`);
  const servers = root.mcpServers ?? {};
  if (!isObject(servers)) throw new ConfigError(`${safeLine(path, 300)}: key "mcpServers": expected an object of servers`);
  root.mcpServers = servers;
  return { root, servers, hash: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Runs `edit` on the file's servers (and its whole object, for other top-level keys such as
 * `permissions`) and writes the result; `edit` returns false to leave the file alone. Resolves
 * with the hashes before and after (for keeping a project file's approval).
 */
export async function editServerFile(
  path: string,
  edit: (servers: JsonObject, root: JsonObject) => boolean,
): Promise<{ changed: boolean; before: string | undefined; after: string | undefined }> {
  await ensurePrivateDir(dirname(path));
  const lock = await acquireFileLock(`${path}.lock`);
  try {
    const file = await readRawServerFile(path);
    if (!edit(file.servers, file.root)) return { changed: false, before: file.hash, after: file.hash };
    const text = `${JSON.stringify(file.root, null, 2)}\n`;
    await writeFileAtomic(path, text);
    return { changed: true, before: file.hash, after: createHash('sha256').update(text).digest('hex') };
  } finally {
    await lock.release();
  }
}
