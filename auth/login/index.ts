import { dirname } from 'node:path';
import type { AccountInfo, AuthenticationResult, DeviceCodeRequest } from '@azure/msal-node';
import { apiScopes, redacted } from './access-token.js';
import { msalKnowsEndpoints } from './authority.js';
import { checkSignInLinks, deviceCodeMessage, refusedLinkReason } from './sign-in-link.js';
import type { LoginConfig } from './config.js';
import { explainSignInError } from './explain.js';
import { FileTokenCache } from './file-cache.js';
import { TokenVault } from '../store/vault.js';
import type { FileLockOptions } from '../../config/file-lock.js';
import { loadedMsal, MsalApp } from './msal-app.js';
import { cachedGrant, findCachedAccessToken, type CachedTokenHit, type CacheOwner } from './msal-cache.js';
import { underRefreshLock } from '../store/refresh-lock.js';
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

const TENANT_ALIASES = new Set(['organizations', 'common', 'consumers']);

function summary(account: AccountInfo): AccountSummary {
  return {
    username: account.username,
    ...(account.name && { name: account.name }),
    tenantId: account.tenantId,
    homeAccountId: account.homeAccountId,
  };
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

/**
 * The device-code / silent-token Authenticator for one authority, client and API scope: a thin
 * adapter over MSAL (msal-app.ts), the cache file's fast path (msal-cache.ts) and the wording of
 * failures (explain.ts).
 */
export function createAuthenticator(config: LoginConfig, deps: AuthenticatorDeps = {}): WardenAuthenticator {
  const now = deps.now ?? Date.now;
  const cachePath = deps.cachePath ?? config.cachePath;
  const host = new URL(config.authorityHost).host;
  const microsoft = msalKnowsEndpoints(config.authorityHost);
  const owner: CacheOwner = {
    clientId: config.clientId,
    environment: host,
    microsoft,
    // The tenant accounts and tokens must belong to; undefined for organizations/common (any tenant).
    tenantId: !TENANT_ALIASES.has(config.tenantId.toLowerCase()) && /^[0-9a-f-]{36}$/i.test(config.tenantId) ? config.tenantId : undefined,
  };
  const network = createIdentityNetwork({
    authorityHost: config.authorityHost,
    ...(config.caPem && { caPem: config.caPem }),
    ...(deps.fetch && { fetch: deps.fetch }),
  });
  const vault = new TokenVault({
    dir: dirname(cachePath),
    choice: config.tokenStore,
    ...(deps.onWarning && { onNotice: deps.onWarning }),
    ...(deps.lock && { lock: deps.lock }),
  });
  const cache = new FileTokenCache({
    path: cachePath,
    vault,
    now,
    ...(deps.onWarning && { onWarning: deps.onWarning }),
    ...(deps.lock && { lock: deps.lock }),
  });
  const app = new MsalApp({ config, cache, cachePath, network, owner, now, ...(deps.onWarning && { onWarning: deps.onWarning }) });
  const explain = (error: unknown): Error => explainSignInError(error, { host, microsoft, msal: loadedMsal() });
  // The fast path's read; a cache it cannot read (sealed with a key out of reach) is MSAL's to report.
  const readCache = (): Promise<string | undefined> => vault.read(cachePath, 'msal-cache', { locked: false }).catch(() => undefined);

  return {
    async acquireTokenSilently(options = {}) {
      // A fresh process with a valid token: read it straight from the file (about 1 ms instead of
      // MSAL's ~20 ms first lookup). Anything less clear-cut goes to MSAL below.
      const cached = async () => {
        const text = await readCache();
        return text ? findCachedAccessToken(text, { ...owner, apiScope: config.apiScope, nowMs: now() }) : undefined;
      };
      const fromCache = (hit: CachedTokenHit): AccessToken => redacted({ accessToken: hit.secret, expiresOn: hit.expiresOn, scopes: apiScopes(hit.scopes), account: hit.account });
      const before = options.claims === undefined ? await cached() : undefined;
      if (before && options.forceRefresh !== true) return fromCache(before);
      // Whatever MSAL does next may redeem the account's refresh token: one process at a time.
      return underRefreshLock(`${cachePath}.refresh.lock`, async () => {
        if (options.claims === undefined) {
          // Another process refreshed while this one waited: its token, not another redemption.
          const fresh = await cached();
          if (fresh && fresh.secret !== before?.secret) return fromCache(fresh);
        }
        try {
          const account = await app.account(await app.offline());
          if (!account) throw new SignInRequiredError('not signed in');
          const online = await app.online(false);
          // MSAL reads the cache file again first (through the plugin): the newest refresh token.
          const result = await online.acquireTokenSilent({
            account,
            scopes: [config.apiScope],
            forceRefresh: options.forceRefresh === true,
            ...(options.claims !== undefined && { claims: options.claims }),
          });
          return accessToken(result, now());
        } catch (error) {
          throw explain(error);
        }
      });
    },

    async signIn({ onDeviceCode, signal, claims, scopes = [] }: SignInOptions) {
      if (signal?.aborted) throw new SignInCancelledError('sign-in was cancelled');
      // Where the tokens will rest is settled before the user is asked for anything.
      await vault.ready().catch((error: unknown) => {
        throw explain(error);
      });
      const request: DeviceCodeRequest = {
        // One device code can consent to several scopes at once.
        scopes: [...new Set([config.apiScope, ...scopes])],
        ...(claims !== undefined && { claims }),
        deviceCodeCallback: (response) => {
          if (!response.userCode || !response.verificationUri) {
            // Stop before anyone sees "undefined" (an error answer is typed by the network client already).
            request.cancel = true;
            throw new SignInFailedError(`the identity provider at ${host} sent no device code`);
          }
          // Only a link Warden may show and open is one (issue 21 §6); another host than the provider's is said with it.
          const links = checkSignInLinks(host, response.verificationUri, network.verificationUriComplete(response.userCode));
          if (!links) {
            request.cancel = true;
            throw new SignInFailedError(`the identity provider at ${host} sent ${refusedLinkReason(response.verificationUri)} as its sign-in page`);
          }
          const prompt: DeviceCodePrompt = {
            authorityHost: host,
            userCode: response.userCode,
            ...links,
            expiresIn: response.expiresIn,
            expiresAt: now() + response.expiresIn * 1000,
            message: deviceCodeMessage(links, response.userCode),
          };
          onDeviceCode(prompt);
        },
      };
      const run = async (): Promise<AccessToken> => {
        const pca = await app.online(true);
        // Cancelled while the provider's metadata was being fetched: do not ask for a code.
        if (request.cancel) throw new SignInCancelledError('sign-in was cancelled');
        const result = await pca.acquireTokenByDeviceCode(request);
        if (!result) throw new SignInFailedError('the identity provider returned no token');
        return accessToken(result, now());
      };
      return untilAborted(run(), signal, () => (request.cancel = true)).catch((error: unknown) => {
        throw explain(error);
      });
    },

    async signOut() {
      const pca = await app.offline();
      const account = await app.account(pca);
      if (!account) return undefined;
      await pca.getTokenCache().removeAccount(account);
      return summary(account);
    },

    async cachedSignIn() {
      const account = await app.account(await app.offline());
      if (!account) return undefined;
      const grant = cachedGrant(await readCache(), owner, account.homeAccountId, config.apiScope);
      return { account: summary(account), ...grant, scopes: apiScopes(grant.scopes) };
    },

    async currentAccount() {
      const account = await app.account(await app.offline());
      return account ? summary(account) : undefined;
    },
  };
}

/**
 * `work`, or SignInCancelledError as soon as `signal` aborts; `onAbort` tells MSAL to stop
 * polling (it checks before each poll; the caller does not wait for that).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(new SignInCancelledError('sign-in was cancelled'));
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
