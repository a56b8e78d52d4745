import { dirname } from 'node:path';
import { cachedAccounts, holdsSignIn } from '../../../auth/login/msal-cache.js';
import type { AccountSummary } from '../../../auth/login/types.js';
import { OAuthTokenStore, oauthStorePath } from '../../../auth/oauth/token-store.js';
import { TokenVault } from '../../../auth/store/vault.js';
import { tokenCacheOf, type SignInSettings } from './settings.js';

/**
 * The token directory of a server's settings: the OAuth grant store in it, resting where
 * WARDEN_TOKEN_STORE says, and — for `warden logout` — once nothing in it is signed in any more
 * (no account or refresh token in the MSAL cache, no OAuth grant), the token files and the data
 * key in the OS secret store are removed too, so no store keeps anything of a signed-out user.
 * Not responsible for signing out of one server (each kind's Authenticator).
 */

/** The vault of the settings' token directory (the token cache and the grant store beside it). */
function tokenVault(settings: SignInSettings, onNotice?: (line: string) => void): TokenVault {
  return new TokenVault({ dir: dirname(tokenCacheOf(settings)), choice: settings.tokenStore.value, ...(onNotice && { onNotice }) });
}

/** The MSAL token cache's text, or undefined when there is none (or it cannot be read). */
const readCache = (vault: TokenVault, cache: string): Promise<string | undefined> => vault.read(cache, 'msal-cache', { locked: false }).catch(() => undefined);

/** The grant store beside the token cache (auth/oauth/token-store.ts) through the user's token vault. */
export function oauthStore(settings: SignInSettings, onNotice?: (line: string) => void): OAuthTokenStore {
  return new OAuthTokenStore(oauthStorePath(tokenCacheOf(settings)), { vault: tokenVault(settings, onNotice) });
}

/** What could not be removed (one line each); empty when everything went, or something is still signed in. */
export async function clearWhenSignedOut(settings: SignInSettings, onNotice?: (line: string) => void): Promise<string[]> {
  const cache = tokenCacheOf(settings);
  const vault = tokenVault(settings, onNotice);
  if (holdsSignIn(await readCache(vault, cache))) return [];
  // OAuth grants keep the directory (and its key) until they are signed out too; registered clients go with the last one.
  if (await oauthStore(settings, onNotice).holdsGrants()) return [];
  return vault.clear([cache, oauthStorePath(cache)]);
}

/**
 * `warden logout` where the settings do not say whose sign-in (no ENTRA_CLIENT_ID here, say):
 * every Entra sign-in in the token cache goes — the cache file, and the data key too unless
 * OAuth grants still use it. Returns who was signed out and what could not be removed.
 */
export async function signOutEveryone(settings: SignInSettings, onNotice?: (line: string) => void): Promise<{ accounts: AccountSummary[]; notCleared: string[] }> {
  const cache = tokenCacheOf(settings);
  const vault = tokenVault(settings, onNotice);
  const text = await readCache(vault, cache);
  if (!holdsSignIn(text)) return { accounts: [], notCleared: [] };
  const accounts = cachedAccounts(text);
  // OAuth grants still use the directory's key: only the cache file goes.
  const holdsGrants = await oauthStore(settings, onNotice).holdsGrants();
  return { accounts, notCleared: holdsGrants ? await vault.remove([cache]) : await vault.clear([cache, oauthStorePath(cache)]) };
}
