/**
 * Which project `.mcp.json` files the user approved, remembered with the file's SHA-256: a
 * project file can start programs (stdio servers) and send environment variables to servers of
 * its choosing, so it is used only once approved, and asked about again when it changes.
 *
 * Stored in ~/.config/warden/trusted-mcp-files.json (0600, replaced atomically under a lock,
 * through the token cache's private-file writer). Not responsible for asking: the TUI asks and
 * calls approveProjectFile; `-p` has --trust-project instead.
 */
import { dirname, resolve } from 'node:path';
import { acquireFileLock } from '../../../config/file-lock.js';
import { ensurePrivateDir, PrivateFileError, readPrivateFile, writeFileAtomic } from '../../../config/private-file.js';

export interface TrustStoreOptions {
  /** ~/.config/warden/trusted-mcp-files.json (paths.ts: trustStoreFile). */
  storePath: string;
}

type Approvals = Record<string, string>;

async function readApprovals(path: string): Promise<Approvals> {
  // A store that is a link or not a file is not trusted: the user is asked again.
  const text = await readPrivateFile(path).catch((error: unknown) => {
    if (error instanceof PrivateFileError) return undefined;
    throw error;
  });
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as { files?: unknown };
    const files = value?.files;
    if (typeof files !== 'object' || files === null || Array.isArray(files)) return {};
    return Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // A damaged store only means asking again.
    return {};
  }
}

/** Whether `file` was approved with exactly this content hash. */
export async function isProjectFileApproved(file: string, hash: string, options: TrustStoreOptions): Promise<boolean> {
  const approvals = await readApprovals(options.storePath);
  return approvals[resolve(file)] === hash;
}

/** Remembers that the user approved `file` as it is now (`hash` from loadServerConfigs' `untrusted`). */
export async function approveProjectFile(file: string, hash: string, options: TrustStoreOptions): Promise<void> {
  const path = options.storePath;
  await ensurePrivateDir(dirname(path));
  const lock = await acquireFileLock(`${path}.lock`);
  try {
    const approvals = await readApprovals(path);
    approvals[resolve(file)] = hash;
    await writeFileAtomic(path, `${JSON.stringify({ files: approvals }, null, 2)}\n`);
  } finally {
    await lock.release();
  }
}
