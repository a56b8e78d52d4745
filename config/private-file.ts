import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/**
 * Private files: the one owner of how Warden writes and reads a file only the user may see
 * (token caches, approvals, trusted project files, the dev identity provider's keys, logs):
 * directories 0700, files 0600, replaced atomically and durably (temp file, fsync, rename, fsync
 * of the directory), read without following links.
 * Not responsible for what is in them, nor for locking (config/file-lock.ts).
 */

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Creates `dir` (and missing parents) with mode 0700; directories that already existed are left alone. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  // mkdir's mode is filtered by the umask: set 0700 explicitly on each directory we created.
  const chain = relative(first, dir).split(sep).filter(Boolean);
  let current = first;
  await chmod(current, 0o700);
  for (const part of chain) {
    current = join(current, part);
    await chmod(current, 0o700);
  }
}

/**
 * Replaces `path` with `data` so that readers see either the old or the new content, never a
 * mix: a 0600 temp file in the same directory, fsync, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600); // in case a umask or ACL widened it
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; not every platform lets a directory be opened for this.
  const dirHandle = await open(dir, 'r').catch(() => undefined);
  if (dirHandle)
    await dirHandle
      .sync()
      .catch(() => undefined)
      .finally(() => dirHandle.close());
}

/** A private file's path holds something Warden will not read or replace. */
export class PrivateFileError extends Error {
  override readonly name = 'PrivateFileError';
  constructor(
    readonly kind: 'symlink' | 'not-a-file',
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a private file; undefined when missing. A symbolic link or anything but a regular file
 * is refused with a PrivateFileError naming the path (never followed, so nothing elsewhere is
 * read or changed). A regular file readable by others is tightened to 0600 only when it is
 * plainly the user's own (owned by this user, no other hard link); otherwise it is left alone.
 */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: a link is refused by the open itself, no window between a check and the use; O_NONBLOCK: a FIFO cannot hang it.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    if (errno(error) === 'ELOOP' || errno(error) === 'EMLINK') {
      throw new PrivateFileError('symlink', path, `refusing ${path}: it is a symbolic link; Warden keeps tokens only in a regular file (check WARDEN_TOKEN_CACHE)`);
    }
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const what = info.isDirectory() ? 'a directory' : 'not a regular file';
      throw new PrivateFileError('not-a-file', path, `refusing ${path}: it is ${what}; Warden keeps tokens only in a regular file (check WARDEN_TOKEN_CACHE)`);
    }
    if ((info.mode & 0o077) !== 0 && info.nlink === 1 && info.uid === process.getuid?.()) await handle.chmod(0o600);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
