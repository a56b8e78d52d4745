import type { AuthError } from '@azure/msal-node';
import { errorMessage, firstLine } from '../../config/error-text.js';
import { TokenStoreError } from '../store/vault.js';
import { DiscoveryError } from './authority-metadata.js';
import { deviceCodeRefusalOf, networkFailureOf } from './network.js';
import { SignInCancelledError, SignInFailedError, SignInRequiredError } from './types.js';

/**
 * Turns whatever a sign-in failed with (MSAL's errors, the network client's and discovery's typed
 * errors) into one of the contract's three errors with a line a user can act on.
 * Not responsible for detecting failures: each is typed where it happens (network.ts,
 * authority-metadata.ts, MSAL); this only words them.
 */

/** Server errors that mean "the user has to sign in again", not "something is broken". */
const SIGN_IN_AGAIN = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
  'bad_token',
  'no_tokens_found',
  'refresh_token_expired',
  'no_account_in_silent_request',
  'no_account_found',
]);

export interface ExplainContext {
  /** host[:port] of the identity provider, named in every line. */
  host: string;
  /** A Microsoft host: no dev certificate to point at. */
  microsoft: boolean;
  /** MSAL's module once loaded (its error classes); undefined while only the fast path ran. */
  msal: typeof import('@azure/msal-node') | undefined;
}

export function explainSignInError(error: unknown, { host, microsoft, msal }: ExplainContext): Error {
  if (error instanceof SignInCancelledError || error instanceof SignInFailedError || error instanceof SignInRequiredError) return error;
  const failure = networkFailureOf(error);
  if (failure) {
    const hint = failure.tls && !microsoft ? '; its certificate is not trusted: set WARDEN_DEV_CA_FILE to the CA file `warden dev-idp` printed' : '';
    return new SignInFailedError(`cannot reach the identity provider at ${host} (${failure.cause})${hint}`);
  }
  const refusal = deviceCodeRefusalOf(error);
  if (refusal) {
    return new SignInFailedError(`the identity provider at ${host} refused the sign-in: ${refusal.error}${refusal.description ? ` (${firstLine(refusal.description)})` : ''}`);
  }
  if (error instanceof TokenStoreError) return new SignInFailedError(error.message);
  if (error instanceof DiscoveryError) return new SignInFailedError(`the identity provider at ${host} is misconfigured: ${error.message}`);
  if (msal && error instanceof msal.AuthError) return explainAuthError(error, host, msal);
  const message = firstLine(errorMessage(error));
  return new SignInFailedError(`sign-in failed: ${message}`);
}

function explainAuthError(error: AuthError, host: string, msal: typeof import('@azure/msal-node')): Error {
  const code = error.errorCode;
  const text = `${code} ${error.errorMessage} ${error.subError}`;
  if (code === 'device_code_polling_cancelled') return new SignInCancelledError('sign-in was cancelled');
  if (/\b(authorization_declined|access_denied)\b/.test(text)) return new SignInFailedError('sign-in was declined');
  if (code === 'device_code_expired' || /\b(expired_token|code_expired)\b/.test(text)) {
    return new SignInFailedError('the code expired before it was approved; sign in again');
  }
  if (error instanceof msal.InteractionRequiredAuthError || SIGN_IN_AGAIN.has(code)) {
    return new SignInRequiredError(`sign-in required: ${code === 'no_tokens_found' ? 'no usable token in the cache' : `the identity provider answered ${code}`}`);
  }
  if (code === 'network_error' || code === 'openid_config_error' || code === 'endpoints_resolution_error') {
    return new SignInFailedError(`cannot reach the identity provider at ${host}`);
  }
  const detail = firstLine(error.errorMessage);
  return new SignInFailedError(`the identity provider at ${host} refused the sign-in: ${code}${detail && detail !== code ? ` (${detail})` : ''}`);
}
