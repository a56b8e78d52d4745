import { ConfigError } from '../../config/errors.js';

/**
 * WARDEN_TOKEN_STORE: where tokens rest. `auto` (default): encrypted with a data key kept in the
 * OS secret store when one is reachable, else the 0600 file; `keychain`: the OS secret store or
 * nothing (a sign-in fails with one line when it is not reachable); `file`: the 0600 file, not
 * encrypted. The one place that knows the names.
 */

export const TOKEN_STORE_CHOICES = ['auto', 'keychain', 'file'] as const;
export type TokenStoreChoice = (typeof TOKEN_STORE_CHOICES)[number];

export const TOKEN_STORE_VARIABLE = 'WARDEN_TOKEN_STORE';

/** The choice from the variable's value (unset or blank: auto); anything else is one ConfigError line naming the variable. */
export function parseTokenStoreChoice(value: string | undefined): TokenStoreChoice {
  const set = value?.trim().toLowerCase();
  if (!set) return 'auto';
  if ((TOKEN_STORE_CHOICES as readonly string[]).includes(set)) return set as TokenStoreChoice;
  throw new ConfigError(`${TOKEN_STORE_VARIABLE}: expected ${TOKEN_STORE_CHOICES.join(', ')}, got "${value?.slice(0, 40)}"`);
}
