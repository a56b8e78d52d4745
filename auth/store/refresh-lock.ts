import { withFileLock } from '../../config/file-lock.js';
import { ensurePrivateDir } from '../../config/private-file.js';
import { dirname } from 'node:path';

/**
 * Refreshing a grant whose refresh token rotates, one process at a time: two Warden processes (a
 * chat and a `-p` script), or several servers of one account, would otherwise both spend the same
 * refresh token, and an authorization server that detects the reuse revokes the grant (everyone
 * signs in again). The caller re-reads the store once it holds the lock and uses a token another
 * process stored meanwhile instead of spending the refresh token again.
 * The lock is held across the refresh request: it is taken over only when its holder's process is
 * gone, or after a minute (a refresh request times out well before that).
 * Not responsible for the refresh itself (auth/login/index.ts, auth/oauth/authenticator.ts).
 */

const REFRESH_LOCK = { staleMs: 60_000, timeoutMs: 60_000 };

export async function underRefreshLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  await ensurePrivateDir(dirname(lockPath));
  return withFileLock(lockPath, REFRESH_LOCK, work);
}
