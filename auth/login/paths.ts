import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Where sign-in keeps its files: the token cache (WARDEN_TOKEN_CACHE, default
 * ~/.config/warden/token_cache.json) and everything kept beside it (the identity provider's
 * metadata, server approvals, OAuth grants). The one place that works the directory out.
 * Free of zod and MSAL: the agent core reads paths before either is loaded.
 * Not responsible for the files' contents.
 */

/** `~/x` → home/x; relative → absolute against `cwd` (kept relative without one: the process's then). */
export function expandPath(path: string, home: string | undefined, cwd: string | undefined): string {
  if (home !== undefined && path === '~') return home;
  if (home !== undefined && path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) || cwd === undefined ? path : resolve(cwd, path);
}

export function defaultCachePath(home: string): string {
  return join(home, '.config', 'warden', 'token_cache.json');
}

/** The token cache file: WARDEN_TOKEN_CACHE (expanded), else the default under `home`; undefined without either. */
export function tokenCachePath(variable: string | undefined, home: string | undefined, cwd: string | undefined): string | undefined {
  const set = variable?.trim();
  if (set) return expandPath(set, home, cwd);
  return home !== undefined ? defaultCachePath(home) : undefined;
}

/** A file kept beside the token cache (same private directory). */
export function besideTokenCache(cachePath: string, name: string): string {
  return join(dirname(cachePath), name);
}
