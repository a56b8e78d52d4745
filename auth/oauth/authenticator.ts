import type { AuthorizationServerMetadata, FetchLike, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/client';
import { redacted, TOKEN_EXPIRY_MARGIN_MS } from '../login/access-token.js';
import { SignInCancelledError, SignInFailedError, SignInRequiredError, type AccessToken, type AccountSummary, type Authenticator, type DeviceCodePrompt } from '../login/types.js';
import { errorMessage } from '../../config/error-text.js';
import { isLoopbackHost } from '../../config/http-url.js';
import { safeLine } from '../../config/terminal-text.js';
import { checkSignInLinks, deviceCodeMessage, refusedLinkReason } from '../login/sign-in-link.js';
import { DeviceGrantError, pollDeviceToken, requestDeviceAuthorization, type PollOptions, type TokenResponse } from './device-grant.js';
import { printableUrl } from '../../config/printable-url.js';
import { underRefreshLock } from '../store/refresh-lock.js';
import { loadOAuthSdk } from './sdk.js';
import { describesServer, otherResourceMessage } from './protected-resource.js';
import { browserClientKey, issuerOf, storedClient, type GrantRef, type OAuthTokenStore, type StoredClient, type StoredGrant } from './token-store.js';
import { authenticateClient, clientAuthMethod } from './client-auth.js';

/**
 * The Authenticator for any MCP server protected by an OAuth 2.1 authorization server, as the
 * MCP authorization spec has it (the `oauth` kind, and a server without `auth` whose authorization
 * server is not Entra). The server's RFC 9728 document (from its 401 challenge when the caller has
 * it, else its well-known location) names the authorization server and the resource; its
 * RFC 8414/OIDC metadata the endpoints (both read with the MCP SDK's helpers). The client is the
 * one configured (`clientId`, with `clientSecret` for a confidential client), else the client ID
 * metadata document's URL where the authorization server takes those
 * (`client_id_metadata_document_supported`), else one registered dynamically as a native
 * application (the SDK's registerClient); people
 * sign in with the device authorization grant (RFC 8628, auth/oauth/device-grant.ts) when the
 * server has a device endpoint, else in a browser (authorization code + PKCE,
 * browser-sign-in.ts); tokens ask for the server as their RFC 8707 `resource`; refresh
 * tokens rotate (the SDK's refreshAuthorization) and live in the 0600 locked store
 * (auth/oauth/token-store.ts), keyed by issuer, resource and this server. A document whose
 * `resource` is another server's is refused before anything is looked up (RFC 9728 §3.3,
 * protected-resource.ts), so a server cannot claim its way to another's grant.
 * Not responsible for Entra (auth/login) nor for which settings apply (agent/core/auth/kinds/oauth.ts).
 */

export interface OAuthSettings {
  serverUrl: string;
  /** A client registered beforehand; else one is registered dynamically and kept in the store. */
  clientId?: string;
  /** The registered client's secret (a confidential client); never stored, logged or shown. */
  clientSecret?: string;
  /** Warden's client ID metadata document: its URL is the client ID where the authorization server supports them. */
  clientMetadataUrl?: string;
  /** Space-separated; default by the MCP spec's selection: the challenge's `scope`, else `scopes_supported`, else none. */
  scope?: string;
  /** What the server said already (its RFC 9728 document, from its 401 challenge), so it is not asked again. */
  known?: { document: OAuthProtectedResourceMetadata; challengeScope?: string };
  store: OAuthTokenStore;
  fetch?: FetchLike;
  now?: () => number;
  /** Device-grant polling (tests inject a wait). */
  poll?: Pick<PollOptions, 'wait'>;
}

interface Resolved {
  issuer: string;
  protectedResource: OAuthProtectedResourceMetadata;
  resource: string;
  metadata: AuthorizationServerMetadata;
  scope: string | undefined;
}

/** `sub` (or a name) from a JWT's payload, for display only — never trusted for anything else. */
function subjectOf(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const name = claims.preferred_username ?? claims.email ?? claims.sub;
    return typeof name === 'string' ? name.slice(0, 120) : undefined;
  } catch {
    return undefined;
  }
}

/** The account a grant is for; the "tenant" shown is the authorization server's host. */
function account(issuer: string, grant: StoredGrant): AccountSummary {
  let host = issuer;
  try {
    host = new URL(issuer).host;
  } catch {
    // a hand-edited store: show the key's start as it is
  }
  return { username: grant.subject ?? 'signed in', tenantId: host, homeAccountId: '' };
}

/** `scope` with `more` added (space-separated, each once, in order). */
function withScopes(scope: string | undefined, more: readonly string[] | undefined): string | undefined {
  const all = [...new Set([...(scope ?? '').split(' '), ...(more ?? [])].filter(Boolean))];
  return all.length > 0 ? all.join(' ') : undefined;
}

/**
 * A request to a server's metadata or the authorization server that hangs gives up after this: a
 * refresh holds the refresh lock across it, and a metadata document that never ends (a server
 * answering every GET with an event stream) must not hold a sign-in forever.
 */
const REQUEST_TIMEOUT_MS = 30_000;

export function createOAuthAuthenticator(settings: OAuthSettings): Authenticator {
  const now = settings.now ?? Date.now;
  const fetchFn: FetchLike = settings.fetch ?? fetch;
  /** The same, bounded (REQUEST_TIMEOUT_MS). */
  const boundedFetch: FetchLike = (url, init) => {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    return fetchFn(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
  let resolving: Promise<Resolved> | undefined;

  /** RFC 9728, then the authorization server's metadata; once per process. */
  const resolve = (): Promise<Resolved> =>
    (resolving ??= (async () => {
      const sdk = await loadOAuthSdk();
      const protectedResource = settings.known?.document ?? (await sdk.discoverOAuthProtectedResourceMetadata(settings.serverUrl, {}, boundedFetch));
      if (!describesServer(protectedResource.resource, settings.serverUrl)) {
        throw new SignInFailedError(otherResourceMessage(safeLine(String(protectedResource.resource), 200), settings.serverUrl));
      }
      const issuer = protectedResource.authorization_servers?.[0];
      if (!issuer) throw new SignInFailedError(`${settings.serverUrl} names no authorization server in its metadata`);
      const issuerUrl = new URL(issuer);
      if (issuerUrl.protocol !== 'https:' && !isLoopbackHost(issuerUrl.hostname)) throw new SignInFailedError(`the authorization server ${issuerUrl.origin} is not https`);
      const metadata = await sdk.discoverAuthorizationServerMetadata(issuer, { fetchFn: boundedFetch });
      if (!metadata) throw new SignInFailedError(`the authorization server ${issuerUrl.origin} publishes no metadata (RFC 8414 or OpenID discovery)`);
      const supported = protectedResource.scopes_supported?.length ? protectedResource.scopes_supported.join(' ') : undefined;
      const scope = settings.scope ?? settings.known?.challengeScope ?? supported;
      return { issuer, protectedResource, resource: protectedResource.resource ?? settings.serverUrl, metadata, ...(scope ? { scope } : { scope: undefined }) };
    })().catch((error: unknown) => {
      resolving = undefined;
      throw error instanceof SignInFailedError ? error : new SignInFailedError(`cannot read the sign-in metadata of ${settings.serverUrl}: ${errorMessage(error)}`);
    }));

  /**
   * The client the user chose, for every flow: the configured one, else the metadata document's
   * URL where this authorization server takes client ID metadata documents; undefined: a
   * registered one (stored per issuer and flow).
   */
  function chosenClient(r: Resolved): StoredClient | undefined {
    if (settings.clientId) return { clientId: settings.clientId, ...(settings.clientSecret && { clientSecret: settings.clientSecret }) };
    if (settings.clientMetadataUrl && r.metadata.client_id_metadata_document_supported === true) return { clientId: settings.clientMetadataUrl };
    return undefined;
  }

  /** The device grant's client: the chosen one, the one registered before, or a new dynamic registration (RFC 7591). */
  async function client(r: Resolved): Promise<StoredClient> {
    const chosen = chosenClient(r);
    if (chosen) return chosen;
    const known = await settings.store.client(r.issuer);
    if (known) return known;
    if (!r.metadata.registration_endpoint) throw new SignInFailedError(`the authorization server ${new URL(r.issuer).origin} allows no dynamic registration: configure a clientId`);
    const { registerClient } = await loadOAuthSdk();
    const registered = await registerClient(r.issuer, {
      metadata: r.metadata,
      clientMetadata: {
        client_name: 'Warden',
        // RFC 7591 / OIDC registration: an app on the user's machine, not a web server.
        application_type: 'native',
        redirect_uris: [],
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        token_endpoint_auth_method: 'none',
        ...(r.scope && { scope: r.scope }),
      },
      fetchFn,
    });
    const stored = storedClient(registered);
    await settings.store.update((file) => void (file.clients[r.issuer] = stored));
    return stored;
  }

  /** How a client authenticates at this authorization server (client-auth.ts), as the SDK's token requests take it. */
  const authenticator = (r: Resolved, c: StoredClient) => {
    const method = clientAuthMethod(c, r.metadata.token_endpoint_auth_methods_supported);
    return async (headers: Headers, params: URLSearchParams) => authenticateClient(c, method, headers, params);
  };

  /** RFC 8628 §4 adds it to the metadata (not in the SDK's type; the parsed document keeps it). */
  const deviceEndpoint = (r: Resolved): string | undefined => {
    const endpoint = (r.metadata as Record<string, unknown>).device_authorization_endpoint;
    return typeof endpoint === 'string' ? endpoint : undefined;
  };

  /** The client the grant was issued to: a refresh must come from it. */
  async function grantClient(r: Resolved): Promise<StoredClient> {
    if (chosenClient(r) || deviceEndpoint(r)) return client(r);
    const registered = await settings.store.client(browserClientKey(r.issuer));
    if (!registered) throw new SignInRequiredError('the client this sign-in was issued to is not registered any more');
    return registered;
  }

  async function save(r: Resolved, tokens: TokenResponse, previous?: StoredGrant): Promise<AccessToken> {
    const subject = subjectOf(tokens.id_token) ?? subjectOf(tokens.access_token) ?? previous?.subject;
    const grant: StoredGrant = {
      accessToken: tokens.access_token,
      expiresAt: now() + (Number(tokens.expires_in) || 3600) * 1000,
      // A server that does not rotate keeps the old refresh token valid.
      ...((tokens.refresh_token ?? previous?.refreshToken) && { refreshToken: tokens.refresh_token ?? previous?.refreshToken }),
      ...((tokens.scope ?? r.scope) && { scope: tokens.scope ?? r.scope }),
      ...(subject && { subject }),
    };
    await settings.store.saveGrant(ref(r), grant);
    return token(r, grant);
  }

  /** This server's grant from this authorization server for this resource: nobody else's. */
  const ref = (r: Resolved): GrantRef => ({ issuer: r.issuer, resource: r.resource, server: settings.serverUrl });

  function token(r: Resolved, grant: StoredGrant): AccessToken {
    return redacted({
      accessToken: grant.accessToken,
      expiresOn: new Date(grant.expiresAt),
      scopes: (grant.scope ?? '').split(' ').filter(Boolean),
      account: account(r.issuer, grant),
    });
  }

  return {
    async acquireTokenSilently(options = {}) {
      // Never signed in to this server and it has not asked yet: nothing to ask anyone for (its 401 will say where to sign in).
      if (!settings.known && !(await settings.store.grantForServer(settings.serverUrl))) throw new SignInRequiredError(`not signed in to ${printableUrl(settings.serverUrl)} yet`);
      const r = await resolve();
      const valid = (grant: StoredGrant): boolean => grant.expiresAt - now() > TOKEN_EXPIRY_MARGIN_MS;
      const stored = await settings.store.grant(ref(r));
      if (!stored) throw new SignInRequiredError(`not signed in to ${printableUrl(settings.serverUrl)} yet`);
      if (options.forceRefresh !== true && valid(stored)) return token(r, stored);
      // The refresh token rotates: one process at a time spends it (auth/store/refresh-lock.ts).
      return underRefreshLock(settings.store.refreshLockPath(ref(r)), async () => {
        const current = await settings.store.grant(ref(r));
        if (!current) throw new SignInRequiredError(`not signed in to ${printableUrl(settings.serverUrl)} any more`);
        // Another process refreshed while this one waited: its token, not a second redemption.
        if (current.accessToken !== stored.accessToken && valid(current)) return token(r, current);
        if (current.refused) throw new SignInRequiredError(current.refused);
        if (!current.refreshToken) throw new SignInRequiredError(`the token for ${printableUrl(settings.serverUrl)} expired and no refresh token is kept`);
        const c = await grantClient(r);
        const { OAuthError, refreshAuthorization } = await loadOAuthSdk();
        try {
          const refreshed = await refreshAuthorization(r.issuer, {
            metadata: r.metadata,
            clientInformation: { client_id: c.clientId },
            addClientAuthentication: authenticator(r, c),
            refreshToken: current.refreshToken,
            resource: r.resource,
            // Bounded: the refresh lock is held across it.
            fetchFn: boundedFetch,
          });
          return await save(r, refreshed as TokenResponse, current);
        } catch (error) {
          if (error instanceof OAuthError && error.code === 'invalid_grant') {
            // Revoked or expired: kept as refused so no process spends it again, and the next step is one sign-in.
            const why = `sign-in required for ${printableUrl(settings.serverUrl)}: ${new URL(r.issuer).host} refused the refresh token (invalid_grant${error.message ? `: ${safeLine(error.message, 160)}` : ''})`;
            const { refreshToken: _spent, ...rest } = current;
            await settings.store.saveGrant(ref(r), { ...rest, refused: why });
            throw new SignInRequiredError(why);
          }
          throw new SignInFailedError(`cannot refresh the token at ${new URL(r.issuer).origin}: ${errorMessage(error)}`);
        }
      });
    },

    async signIn({ onDeviceCode, signal, scopes }) {
      if (signal?.aborted) throw new SignInCancelledError('sign-in was cancelled');
      // Where the tokens will rest is settled before the user is asked for anything.
      await settings.store.ready().catch((error: unknown) => {
        throw new SignInFailedError(errorMessage(error));
      });
      const resolved = await resolve();
      // A step-up: the scopes a server's 403 named, besides those asked for before (the MCP spec's scope challenge).
      const r = { ...resolved, scope: withScopes(resolved.scope, scopes) };
      const endpoint = deviceEndpoint(r);
      if (!endpoint) {
        const { browserSignIn } = await import('./browser-sign-in.js');
        const tokens = await browserSignIn({
          serverUrl: settings.serverUrl,
          issuer: r.issuer,
          protectedResource: r.protectedResource,
          metadata: r.metadata,
          scope: r.scope,
          client: chosenClient(r),
          authenticate: (c) => authenticator(r, c),
          store: settings.store,
          fetch: fetchFn,
          now,
          onPrompt: onDeviceCode,
          signal,
        });
        return await save(r, tokens);
      }
      const c = await client(r);
      const request = { client: c, authMethod: clientAuthMethod(c, r.metadata.token_endpoint_auth_methods_supported), ...(r.scope && { scope: r.scope }), resource: r.resource };
      try {
        const authorization = await requestDeviceAuthorization(endpoint, request, fetchFn);
        const authorityHost = new URL(r.issuer).host;
        // Only a link Warden may show and open is one (issue 21 §6); which host it is on is said with it.
        const links = checkSignInLinks(authorityHost, authorization.verificationUri, authorization.verificationUriComplete);
        if (!links) throw new SignInFailedError(`the authorization server at ${authorityHost} sent ${refusedLinkReason(authorization.verificationUri)} as its sign-in page`);
        const prompt: DeviceCodePrompt = {
          authorityHost,
          userCode: authorization.userCode,
          ...links,
          expiresIn: authorization.expiresIn,
          expiresAt: now() + authorization.expiresIn * 1000,
          message: deviceCodeMessage(links, authorization.userCode),
        };
        onDeviceCode(prompt);
        const tokens = await pollDeviceToken(r.metadata.token_endpoint, request, authorization, { fetch: fetchFn, now, ...(signal && { signal }), ...settings.poll });
        return await save(r, tokens);
      } catch (error) {
        if (error instanceof DeviceGrantError) {
          if (error.code === 'cancelled') throw new SignInCancelledError('sign-in was cancelled');
          throw new SignInFailedError(`the authorization server at ${new URL(r.issuer).host} refused the sign-in: ${error.message}`);
        }
        throw error;
      }
    },

    // Both read the store only (no discovery): logout and status work with the server away.
    async signOut() {
      const found = await settings.store.grantForServer(settings.serverUrl);
      if (!found) return undefined;
      await settings.store.update((file) => void delete file.grants[found.key]);
      return account(issuerOf(found.key), found.grant);
    },

    async currentAccount() {
      const found = await settings.store.grantForServer(settings.serverUrl);
      return found && account(issuerOf(found.key), found.grant);
    },
  };
}
