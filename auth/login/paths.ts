import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Where sign-in keeps its files: the token cache (WARDEN_TOKEN_CACHE, default
 * ~/.config/warden/token_cache.json) and everything kept beside it (the identity provider's
 * metadata, server approvals, OAuth grants). The one place that works the directory out.
 * Free of zod and MSAL: the agent core reads paths before either is loaded.
 * Not responsible for the files' contents.
 */

/** `~/x` → home/x; relative → absolute against `cwd`. */
export function expandPath(path: string, home: string, cwd: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export function defaultCachePath(home: string): string {
  return join(home, '.config', 'warden', 'token_cache.json');
}

/** The token cache file: WARDEN_TOKEN_CACHE (expanded), else the default under `home`. */
export function tokenCachePath(variable: string | undefined, home: string, cwd: string): string {
  const set = variable?.trim();
  return set ? expandPath(set, home, cwd) : defaultCachePath(home);
}

/** A file kept beside the token cache (same private directory). */
export function besideTokenCache(cachePath: string, name: string): string {
  return join(dirname(cachePath), name);
}
