import { inspect } from 'node:util';
import type { AccessToken } from './types.js';

/**
 * The AccessToken every sign-in kind hands out: API scopes only, and a token that never shows up
 * in JSON.stringify or console.log. Not responsible for getting tokens.
 */

/**
 * A token this close to its expiry is not used any more (renewed first): long enough for a call
 * to reach the server with it and for clocks that differ a little. One margin for every kind.
 */
export const TOKEN_EXPIRY_MARGIN_MS = 2 * 60_000;

/** OpenID Connect scopes ride along on every request; they say nothing about what the access token allows. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export function apiScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
}

/** An AccessToken whose token never shows up in JSON.stringify or console.log. */
export function redacted(token: AccessToken): AccessToken {
  const safe = (): Omit<AccessToken, 'accessToken'> & { accessToken: string } => ({ ...token, accessToken: '[redacted]' });
  Object.defineProperty(token, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(token, inspect.custom, { value: () => safe(), enumerable: false });
  return token;
}
