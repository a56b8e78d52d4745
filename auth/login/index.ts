import { inspect } from 'node:util';
import type { AccountInfo, AuthenticationResult, Configuration, DeviceCodeRequest, PublicClientApplication } from '@azure/msal-node';
import { findCachedAccessToken } from './cached-token.js';
import { discoverAuthority, DiscoveryError, isMicrosoftHost, readAuthorityMetadata, writeAuthorityMetadata } from './authority-metadata.js';
import type { LoginConfig } from './config.js';
import { FileTokenCache, readPrivateFile } from './file-cache.js';
import type { FileLockOptions } from './file-lock.js';
import { createIdentityNetwork, type LoginFetch } from './network.js';
import {
  SignInCancelledError,
  SignInFailedError,
  SignInRequiredError,
  type AccessToken,
  type AccountSummary,
  type Authenticator,
  type DeviceCodePrompt,
  type SignInOptions,
} from './types.js';

export * from './types.js';
export { splitAuthority } from './authority.js';
export { buildLoginConfig, loadLoginConfig, type LoginConfig, type LoginConfigValues } from './config.js';
export type { LoginFetch } from './network.js';

/** What the token cache says about the signed-in account, read without any network. */
export interface CachedSignIn {
  account: AccountSummary;
  /** Scopes of the cached access token for the API scope; empty when none is cached. */
  scopes: string[];
  /** Expiry of that cached access token, if one is cached. */
  expiresOn?: Date;
  /** A refresh token is cached, so an expired access token can be renewed without the user. */
  canRefresh: boolean;
}

/** The Authenticator plus a cache-only view for `warden status`. */
export interface WardenAuthenticator extends Authenticator {
  /** The current account and its cached token's scopes and expiry; never touches the network, never returns a token. */
  cachedSignIn(): Promise<CachedSignIn | undefined>;
}

export interface AuthenticatorDeps {
  /** Replaces the HTTP client used for the identity provider (it then owns TLS trust). */
  fetch?: LoginFetch;
  /** Clock for device-code expiry times and cache bookkeeping. Default Date.now. */
  now?: () => number;
  /** Overrides config.cachePath. */
  cachePath?: string;
  /** One line for the user (a corrupt cache moved aside …). Never receives a token. */
  onWarning?: (line: string) => void;
  /** Cross-process cache lock tuning (tests). */
  lock?: FileLockOptions;
}

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

const TENANT_ALIASES = new Set(['organizations', 'common', 'consumers']);

function summary(account: AccountInfo): AccountSummary {
  return {
    username: account.username,
    ...(account.name && { name: account.name }),
    tenantId: account.tenantId,
    homeAccountId: account.homeAccountId,
  };
}

/** OpenID Connect scopes ride along on every request; they say nothing about what the access token allows. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function apiScopes(scopes: string[]): string[] {
  return scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
}

/** An AccessToken whose token never shows up in JSON.stringify or console.log. */
function redacted(token: AccessToken): AccessToken {
  const safe = (): Omit<AccessToken, 'accessToken'> & { accessToken: string } => ({ ...token, accessToken: '[redacted]' });
  Object.defineProperty(token, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(token, inspect.custom, { value: () => safe(), enumerable: false });
  return token;
}

function accessToken(result: AuthenticationResult, fallbackExpiry: number): AccessToken {
  if (!result.account || !result.accessToken) throw new SignInFailedError('the identity provider returned no access token');
  return redacted({
    accessToken: result.accessToken,
    expiresOn: result.expiresOn ?? new Date(fallbackExpiry),
    scopes: apiScopes(result.scopes),
    account: summary(result.account),
  });
}

/** The credential sections of a serialized MSAL cache (only metadata fields are ever read from them). */
function cachedCredentials(text: string | undefined): { AccessToken: Record<string, unknown>[]; RefreshToken: Record<string, unknown>[] } {
  try {
    const parsed = JSON.parse(text ?? '{}') as Record<string, Record<string, Record<string, unknown>> | undefined>;
    return { AccessToken: Object.values(parsed.AccessToken ?? {}), RefreshToken: Object.values(parsed.RefreshToken ?? {}) };
  } catch {
    return { AccessToken: [], RefreshToken: [] };
  }
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

type Msal = typeof import('@azure/msal-node');
let msal: Msal | undefined;

/** MSAL loads on first need: a valid token read straight from the cache never pays for it (~200 ms). */
async function loadMsal(): Promise<Msal> {
  return (msal ??= await import('@azure/msal-node'));
}

/** Creates the device-code / silent-token Authenticator for one authority, client and API scope. */
export function createAuthenticator(config: LoginConfig, deps: AuthenticatorDeps = {}): WardenAuthenticator {
  const now = deps.now ?? Date.now;
  const cachePath = deps.cachePath ?? config.cachePath;
  const host = new URL(config.authorityHost).host;
  const microsoft = isMicrosoftHost(config.authorityHost);
  /** The tenant accounts and tokens must belong to; undefined for organizations/common (any tenant). */
  const tenantGuid = !TENANT_ALIASES.has(config.tenantId.toLowerCase()) && /^[0-9a-f-]{36}$/i.test(config.tenantId) ? config.tenantId : undefined;
  const network = createIdentityNetwork({
    authorityHost: config.authorityHost,
    ...(config.caPem && { caPem: config.caPem }),
    ...(deps.fetch && { fetch: deps.fetch }),
  });
  const cache = new FileTokenCache({
    path: cachePath,
    now,
    ...(deps.onWarning && { onWarning: deps.onWarning }),
    ...(deps.lock && { lock: deps.lock }),
  });

  let client: PublicClientApplication | undefined;
  let clientHasMetadata = false;

  function build(m: Msal, metadata: string | undefined): PublicClientApplication {
    const configuration: Configuration = {
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        ...(!microsoft && { knownAuthorities: [host] }),
        ...(metadata && { authorityMetadata: metadata }),
      },
      cache: { cachePlugin: cache },
      system: {
        networkClient: network,
        loggerOptions: { logLevel: m.LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    };
    clientHasMetadata = metadata !== undefined || microsoft;
    return new m.PublicClientApplication(configuration);
  }

  /** A client for cache-only work (accounts, sign-out): never touches the network. */
  async function offlineClient(): Promise<PublicClientApplication> {
    const m = await loadMsal();
    if (!client) client = build(m, microsoft ? undefined : await readAuthorityMetadata(cachePath, config.authority));
    return client;
  }

  /** A client that can talk to the provider: custom authorities get their discovery document (cached on disk). */
  async function onlineClient(rediscover: boolean): Promise<PublicClientApplication> {
    if (microsoft) return offlineClient();
    if (!rediscover) {
      await offlineClient();
      if (clientHasMetadata && client) return client;
    }
    const metadata = await discoverAuthority(network, config.authority);
    await writeAuthorityMetadata(cachePath, config.authority, metadata, now()).catch((error: unknown) =>
      deps.onWarning?.(`could not save the identity provider's metadata beside the token cache (${(error as Error).message})`),
    );
    client = build(await loadMsal(), JSON.stringify(metadata));
    return client;
  }

  function isOurs(account: AccountInfo): boolean {
    if (!microsoft && account.environment.toLowerCase() !== host.toLowerCase()) return false;
    if (tenantGuid) return account.tenantId.toLowerCase() === tenantGuid.toLowerCase();
    return true;
  }

  /** The most recently signed-in account of this authority (newest ID token), if any. */
  async function findAccount(pca: PublicClientApplication): Promise<AccountInfo | undefined> {
    const accounts = (await pca.getTokenCache().getAllAccounts()).filter(isOurs);
    const issuedAt = (a: AccountInfo): number => Number(a.idTokenClaims?.iat ?? 0);
    return accounts.sort((a, b) => issuedAt(b) - issuedAt(a))[0];
  }

  /** Turns whatever failed into one of the contract's errors with a message a user can act on. */
  function explain(error: unknown, failuresBefore: number): Error {
    if (error instanceof SignInCancelledError || error instanceof SignInFailedError || error instanceof SignInRequiredError) return error;
    if (network.failureCount > failuresBefore && network.lastFailure) {
      const { cause, tls } = network.lastFailure;
      const hint = tls
        ? microsoft
          ? ''
          : '; its certificate is not trusted: set WARDEN_DEV_CA_FILE to the CA file `warden dev-idp` printed'
        : '';
      return new SignInFailedError(`cannot reach the identity provider at ${host} (${cause})${hint}`);
    }
    if (error instanceof DiscoveryError) return new SignInFailedError(`the identity provider at ${host} is misconfigured: ${error.message}`);
    if (msal && error instanceof msal.AuthError) {
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
    const message = error instanceof Error ? firstLine(error.message) : String(error);
    return new SignInFailedError(`sign-in failed: ${message}`);
  }

  return {
    async acquireTokenSilently(options = {}) {
      const before = network.failureCount;
      // A fresh process with a valid token: read it straight from the file (about 1 ms instead of
      // MSAL's ~20 ms first lookup). Anything less clear-cut goes to MSAL below.
      if (options.forceRefresh !== true) {
        const text = await readPrivateFile(cachePath).catch(() => undefined);
        const hit =
          text &&
          findCachedAccessToken(text, {
            clientId: config.clientId,
            environment: host,
            tenantId: tenantGuid,
            apiScope: config.apiScope,
            nowMs: now(),
          });
        if (hit) return redacted({ accessToken: hit.secret, expiresOn: hit.expiresOn, scopes: apiScopes(hit.scopes), account: hit.account });
      }
      try {
        const pca = await offlineClient();
        const account = await findAccount(pca);
        if (!account) throw new SignInRequiredError('not signed in: run `warden login`');
        const online = await onlineClient(false);
        const result = await online.acquireTokenSilent({
          account,
          scopes: [config.apiScope],
          forceRefresh: options.forceRefresh === true,
        });
        return accessToken(result, now());
      } catch (error) {
        throw explain(error, before);
      }
    },

    async signIn({ onDeviceCode, signal }: SignInOptions) {
      if (signal?.aborted) throw new SignInCancelledError('sign-in was cancelled');
      const before = network.failureCount;
      const request: DeviceCodeRequest = {
        scopes: [config.apiScope],
        deviceCodeCallback: (response) => {
          if (!response.userCode || !response.verificationUri) {
            // MSAL passes an error answer on as if it were a code; stop before anyone sees "undefined".
            request.cancel = true;
            const refused = network.deviceCodeError;
            throw new SignInFailedError(
              refused
                ? `the identity provider at ${host} refused the sign-in: ${refused.error}${refused.description ? ` (${firstLine(refused.description)})` : ''}`
                : `the identity provider at ${host} sent no device code`,
            );
          }
          const prompt: DeviceCodePrompt = {
            authorityHost: host,
            userCode: response.userCode,
            verificationUri: response.verificationUri,
            expiresIn: response.expiresIn,
            expiresAt: now() + response.expiresIn * 1000,
            message: response.message,
          };
          const complete = network.verificationUriComplete(response.userCode);
          if (complete) prompt.verificationUriComplete = complete;
          onDeviceCode(prompt);
        },
      };
      const run = async (): Promise<AccessToken> => {
        const pca = await onlineClient(true);
        // Cancelled while the provider's metadata was being fetched: do not ask for a code.
        if (request.cancel) throw new SignInCancelledError('sign-in was cancelled');
        const result = await pca.acquireTokenByDeviceCode(request);
        if (!result) throw new SignInFailedError('the identity provider returned no token');
        return accessToken(result, now());
      };

      return new Promise<AccessToken>((resolve, reject) => {
        let settled = false;
        const onAbort = (): void => {
          // MSAL checks this flag before each poll; the caller does not wait for that.
          request.cancel = true;
          if (!settled) {
            settled = true;
            reject(new SignInCancelledError('sign-in was cancelled'));
          }
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        run().then(
          (token) => {
            signal?.removeEventListener('abort', onAbort);
            if (!settled) {
              settled = true;
              resolve(token);
            }
          },
          (error: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            if (!settled) {
              settled = true;
              reject(explain(error, before));
            }
          },
        );
      });
    },

    async signOut() {
      const pca = await offlineClient();
      const account = await findAccount(pca);
      if (!account) return undefined;
      await pca.getTokenCache().removeAccount(account);
      return summary(account);
    },

    async cachedSignIn() {
      const pca = await offlineClient();
      const account = await findAccount(pca);
      if (!account) return undefined;
      const entries = cachedCredentials(await readPrivateFile(cachePath).catch(() => undefined));
      const mine = (e: Record<string, unknown>): boolean =>
        e.home_account_id === account.homeAccountId && String(e.client_id ?? '').toLowerCase() === config.clientId.toLowerCase();
      const wanted = config.apiScope.toLowerCase();
      const tokens = entries.AccessToken.filter(
        (e) => mine(e) && String(e.target ?? '').toLowerCase().split(' ').includes(wanted),
      ).sort((a, b) => Number(b.expires_on) - Number(a.expires_on));
      const best = tokens[0];
      return {
        account: summary(account),
        scopes: best ? apiScopes(String(best.target).split(' ').filter(Boolean)) : [],
        ...(best && Number.isFinite(Number(best.expires_on)) && { expiresOn: new Date(Number(best.expires_on) * 1000) }),
        canRefresh: entries.RefreshToken.some((e) => e.home_account_id === account.homeAccountId),
      };
    },

    async currentAccount() {
      const pca = await offlineClient();
      const account = await findAccount(pca);
      return account ? summary(account) : undefined;
    },
  };
}
