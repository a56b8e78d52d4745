/**
 * The sign-in contract shared by `warden login`, the agent core and the TUI.
 * Implemented in auth/login/ with @azure/msal-node; nothing here knows MSAL.
 */

/** What the user needs to approve a device-code sign-in. */
export interface DeviceCodePrompt {
  /** The identity provider's host[:port], shown plainly before the code. */
  authorityHost: string;
  /** Absent for a browser sign-in (authorization code): the link is all there is to open. */
  userCode?: string;
  verificationUri: string;
  /** The URL with the code pre-filled, when the identity provider offers one (same origin as verificationUri: sign-in-link.ts). */
  verificationUriComplete?: string;
  /** The link's host when it is not the identity provider's own (sign-in-link.ts): said plainly wherever the link is shown. */
  linkHost?: string;
  /** Seconds the code stays valid, as the provider said. */
  expiresIn: number;
  /** Epoch ms when the code expires (for countdowns). */
  expiresAt: number;
  /** The provider's own instruction text. */
  message: string;
}

export interface AccountSummary {
  /** preferred_username / UPN, e.g. dev@warden.example */
  username: string;
  name?: string;
  tenantId: string;
  homeAccountId: string;
}

/** A usable access token. Never print or log `accessToken`. */
export interface AccessToken {
  accessToken: string;
  expiresOn: Date;
  scopes: string[];
  account: AccountSummary;
}

export interface SignInOptions {
  /** Called once the provider has issued a device code; not awaited. */
  onDeviceCode: (prompt: DeviceCodePrompt) => void;
  /** Aborting stops polling; signIn then rejects with SignInCancelledError. */
  signal?: AbortSignal;
  /** A claims request (JSON) from a server's claims challenge, e.g. an authentication context. */
  claims?: string;
  /** More scopes to consent to in this sign-in (a server's insufficient_scope named them). */
  scopes?: string[];
}

export interface SilentOptions {
  /** Skip the cached access token and redeem the refresh token. */
  forceRefresh?: boolean;
  /** A claims request (JSON) from a server's claims challenge; implies a new token. */
  claims?: string;
}

export interface Authenticator {
  /** Cached token, or a refresh with the refresh token; no user interaction. Throws SignInRequiredError when that is impossible. */
  acquireTokenSilently(options?: SilentOptions): Promise<AccessToken>;
  /** Interactive device-code sign-in. */
  signIn(options: SignInOptions): Promise<AccessToken>;
  /** Removes the account (and its tokens) from the cache. Returns the account removed, if any. */
  signOut(): Promise<AccountSummary | undefined>;
  /** The cached account, if any, without network. */
  currentAccount(): Promise<AccountSummary | undefined>;
}

/** Silent acquisition is impossible: no cached account, or the refresh token was rejected/expired. */
export class SignInRequiredError extends Error {
  override readonly name = 'SignInRequiredError';
}

/** The user (or caller) cancelled an interactive sign-in. */
export class SignInCancelledError extends Error {
  override readonly name = 'SignInCancelledError';
}

/** Sign-in failed for a reason the user should read (declined, code expired, provider unreachable). */
export class SignInFailedError extends Error {
  override readonly name = 'SignInFailedError';
}
