import type {
  AuthorizationServerMetadata,
  FetchLike,
  OAuthClientProvider,
  OAuthProtectedResourceMetadata,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { SignInCancelledError, SignInFailedError, type DeviceCodePrompt } from '../login/types.js';
import { errorMessage } from '../../config/error-text.js';
import { checkSignInLinks, refusedLinkReason } from '../login/sign-in-link.js';
import type { TokenResponse } from './device-grant.js';
import { LoopbackRedirectError, startLoopbackRedirect } from './loopback-redirect.js';
import { loadOAuthSdk } from './sdk.js';
import { browserClientKey, storedClient, type OAuthTokenStore, type StoredClient } from './token-store.js';

/**
 * The `oauth` kind's browser sign-in, for authorization servers without a device endpoint:
 * authorization code + PKCE (the MCP SDK's `auth()` with an OAuthClientProvider: the
 * authorization URL, PKCE, dynamic registration of a native client, RFC 8707 `resource`, the
 * code exchange, its client authenticated by Warden's rule: client-auth.ts) and a loopback
 * redirect on 127.0.0.1 (loopback-redirect.ts).
 * The link goes to the caller as a prompt without a user code; whoever shows it decides whether a
 * browser can be opened.
 * Not responsible for discovery (done before), storing the tokens, or refreshing them.
 */

export interface BrowserSignInOptions {
  serverUrl: string;
  issuer: string;
  protectedResource: OAuthProtectedResourceMetadata;
  metadata: AuthorizationServerMetadata;
  scope: string | undefined;
  /** The client the user chose (configured, or a client ID metadata document); undefined: one registered for browser sign-ins. */
  client: StoredClient | undefined;
  /** How a client authenticates at the token endpoint (the authenticator's rule). */
  authenticate: (client: StoredClient) => (headers: Headers, params: URLSearchParams) => Promise<void>;
  store: OAuthTokenStore;
  fetch: FetchLike;
  now: () => number;
  onPrompt: (prompt: DeviceCodePrompt) => void;
  signal: AbortSignal | undefined;
}

/** How long the link stays good: the user has to find a browser, sign in and consent. */
const BROWSER_SIGN_IN_SECONDS = 600;

export async function browserSignIn(options: BrowserSignInOptions): Promise<TokenResponse> {
  const { issuer, store } = options;
  const host = new URL(issuer).host;
  const sdk = await loadOAuthSdk();
  const loopback = await startLoopbackRedirect();
  const state = crypto.randomUUID();
  let verifier = '';
  let tokens: StoredOAuthTokens | undefined;
  let authorizationUrl: URL | undefined;
  /** The client of this sign-in, once known (chosen, stored or just registered). */
  let client = options.client;
  // What was discovered already, so the SDK neither asks again nor loses the issuer between the two legs.
  const discovery = { authorizationServerUrl: issuer, resourceMetadata: options.protectedResource, authorizationServerMetadata: options.metadata };

  const provider: OAuthClientProvider = {
    redirectUrl: loopback.redirectUri,
    clientMetadata: {
      client_name: 'Warden',
      application_type: 'native',
      // RFC 8252 §7.3: a native client's loopback redirect may use any port; this one is today's.
      redirect_uris: [loopback.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(options.scope && { scope: options.scope }),
    },
    state: () => state,
    async clientInformation() {
      client ??= await store.client(browserClientKey(issuer));
      // Stamped with the issuer it belongs to (the SDK checks it against the one it discovered). No
      // secret: the client authenticates by addClientAuthentication below.
      return client && { client_id: client.clientId, issuer };
    },
    async saveClientInformation(info: StoredOAuthClientInformation) {
      if (options.client) return;
      const registered = storedClient(info);
      client = registered;
      await store.update((file) => void (file.clients[browserClientKey(issuer)] = registered));
    },
    async addClientAuthentication(headers, params) {
      if (!client) throw new SignInFailedError(`no client to authenticate as at ${host}`);
      await options.authenticate(client)(headers, params);
    },
    // An interactive sign-in always asks the user: the silent path (refresh) is the authenticator's.
    tokens: () => tokens,
    saveTokens: (saved) => void (tokens = saved),
    redirectToAuthorization: (url) => void (authorizationUrl = url),
    saveCodeVerifier: (v) => void (verifier = v),
    codeVerifier: () => verifier,
    discoveryState: () => discovery,
    saveDiscoveryState: () => undefined,
  };
  const authOptions = { serverUrl: options.serverUrl, fetchFn: options.fetch, ...(options.scope && { scope: options.scope }) };

  try {
    const first = await sdk.auth(provider, authOptions).catch((error: unknown) => {
      throw new SignInFailedError(`cannot start the browser sign-in at ${host}: ${errorMessage(error)}`);
    });
    if (first !== 'REDIRECT' || !authorizationUrl) throw new SignInFailedError(`the authorization server ${host} did not start a browser sign-in`);
    // Its authorization endpoint is the server's word: only a link Warden may show and open is one (issue 21 §6).
    const links = checkSignInLinks(host, authorizationUrl.href);
    if (!links) throw new SignInFailedError(`the authorization server ${host} names ${refusedLinkReason(authorizationUrl.href)} as its authorization endpoint`);
    options.onPrompt({
      authorityHost: host,
      ...links,
      expiresIn: BROWSER_SIGN_IN_SECONDS,
      expiresAt: options.now() + BROWSER_SIGN_IN_SECONDS * 1000,
      message: 'To sign in, open the link in a browser on this computer (it returns to Warden on 127.0.0.1).',
    });
    const answer = await loopback.response(state, { timeoutMs: BROWSER_SIGN_IN_SECONDS * 1000, ...(options.signal && { signal: options.signal }) });
    try {
      await sdk.auth(provider, { ...authOptions, authorizationCode: answer.code, ...(answer.iss !== undefined && { iss: answer.iss }) });
    } catch (error) {
      throw new SignInFailedError(`the authorization server at ${host} refused the sign-in: ${errorMessage(error)}`);
    }
    if (!tokens) throw new SignInFailedError(`the authorization server at ${host} issued no token`);
    return tokens as TokenResponse;
  } catch (error) {
    if (error instanceof LoopbackRedirectError) {
      if (error.code === 'cancelled') throw new SignInCancelledError('sign-in was cancelled');
      throw new SignInFailedError(error.code === 'access_denied' ? 'sign-in was declined' : `the browser sign-in at ${host} did not complete: ${error.message}`);
    }
    throw error;
  } finally {
    await loopback.close();
  }
}
