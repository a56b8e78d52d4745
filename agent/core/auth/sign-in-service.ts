import type { FetchLike } from '@modelcontextprotocol/client';
import type { AuthenticatorDeps, LoginConfig, WardenAuthenticator } from '../../../auth/login/index.js';
import type { OAuthTokenStore } from '../../../auth/oauth/token-store.js';
import { errorMessage } from '../../../config/error-text.js';
import { ConfigError } from '../../../config/errors.js';
import type { Env } from '../../../config/load.js';
import { discoverAuth, type DiscoveredAuth } from './discovery.js';
import { loginAuthenticatorFactory, loginConfigFor } from './login-factory.js';
import type { AuthenticatorFactory } from './session-auth.js';
import { createSignInGate, type SignInGate } from './sign-in-gate.js';

/**
 * The sign-in of one MCP server, as every path uses it (the chat and -p per configured server,
 * login/logout/status): one rule for the settings — what is configured (flags, environment, the
 * server's `auth` entry, already merged into `env`) wins, and the server's RFC 9728 document
 * fills what is not — the token-to-server binding and authority allowlist (the gate), and the
 * Authenticator built from those settings.
 * Not responsible for when to sign in or what to show (SessionAuth and the commands are), nor
 * for MSAL (auth/login is its adapter; loaded only when a token is really needed).
 */
export interface SignInService {
  readonly serverUrl: string;
  /** Which servers may receive tokens for which scope, and which identity providers may be used. */
  readonly gate: SignInGate;
  /** For SessionAuth: configured settings first; after a 401, what the server published fills the unset ones. */
  readonly createAuthenticator: AuthenticatorFactory;
  /**
   * For commands, which have no 401 at hand: the settings, read from the server's metadata first
   * when the scope is not configured (Ctrl-C, or 5 s without an answer, stops that).
   */
  resolve(signal?: AbortSignal): Promise<ResolvedSignIn>;
}

export interface ResolvedSignIn {
  config: LoginConfig;
  discovered?: DiscoveredAuth;
  authenticator: WardenAuthenticator;
}

export interface SignInServiceOptions {
  /** The environment with the server's own `auth` settings merged over ENTRA_*. */
  env: Env;
  serverUrl: string;
  /** --approve-server: approve (and record) what this run's server asks for. */
  approveRun?: boolean;
  deps?: AuthenticatorDeps;
  fetch?: FetchLike;
  /**
   * The `client-credentials` kind: the app signs in as itself with these (ENTRA_* in `env` give
   * client id, scope, tenant and authority); absent: people sign in with a device code.
   */
  appCredentials?: { certificateFile?: string; federatedTokenFile?: string };
  /** The `oauth` kind: the server's own authorization server, not Entra (settings from its metadata). */
  oauth?: { clientId?: string; scope?: string };
  /**
   * More scopes a device-code sign-in consents to at once: other servers' scopes of the same API
   * (Entra issues a token for one API per request, so scopes of other APIs cannot ride along).
   */
  alsoConsent?: string[];
}

const isSet = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

const DISCOVERY_TIMEOUT_MS = 5000;

/** The `oauth` kind's grants: oauth_tokens.json beside the token cache (WARDEN_TOKEN_CACHE). */
export async function oauthTokenStore(env: Env): Promise<OAuthTokenStore> {
  const [{ OAuthTokenStore }, { defaultCachePath, expandPath }, { dirname, join }] = await Promise.all([
    import('../../../auth/oauth/token-store.js'),
    import('../../../auth/login/config.js'),
    import('node:path'),
  ]);
  const cache = env.WARDEN_TOKEN_CACHE?.trim();
  return new OAuthTokenStore(join(dirname(cache ? expandPath(cache) : defaultCachePath()), 'oauth_tokens.json'));
}

/** The `oauth` kind's Authenticator. */
function oauthAuthenticatorFactory(env: Env, serverUrl: string, oauth: NonNullable<SignInServiceOptions['oauth']>, fetchFn: FetchLike | undefined): AuthenticatorFactory {
  return async () => {
    const [{ createOAuthAuthenticator }, store] = await Promise.all([import('./oauth-authenticator.js'), oauthTokenStore(env)]);
    return createOAuthAuthenticator({
      serverUrl,
      store,
      ...(oauth.clientId && { clientId: oauth.clientId }),
      ...(oauth.scope && { scope: oauth.scope }),
      ...(fetchFn && { fetch: fetchFn }),
    });
  };
}

/** The service principal's Authenticator, from the same settings rule (no discovery: everything is configured). */
function appAuthenticatorFactory(env: Env, credentials: NonNullable<SignInServiceOptions['appCredentials']>, deps: AuthenticatorDeps): AuthenticatorFactory {
  return async () => {
    const [{ createClientCredentialsAuthenticator }, { expandPath }] = await Promise.all([
      import('../../../auth/login/client-credentials.js'),
      import('../../../auth/login/config.js'),
    ]);
    const config = await loginConfigFor(env, undefined);
    const federated = credentials.federatedTokenFile ?? env.AZURE_FEDERATED_TOKEN_FILE?.trim();
    return createClientCredentialsAuthenticator(
      {
        authorityHost: config.authorityHost,
        tenantId: config.tenantId,
        clientId: config.clientId,
        scope: config.apiScope,
        ...(credentials.certificateFile && { certificateFile: expandPath(credentials.certificateFile) }),
        ...(federated && { federatedTokenFile: expandPath(federated) }),
        ...(config.caPem && { caPem: config.caPem }),
      },
      deps.fetch ? { fetch: deps.fetch } : {},
    );
  };
}

/** The factory's Authenticator, whose interactive sign-ins also consent to `scopes`. */
function consentingTo(factory: AuthenticatorFactory, scopes: string[]): AuthenticatorFactory {
  if (scopes.length === 0) return factory;
  return async (discovered) => {
    const authenticator = await factory(discovered);
    return { ...authenticator, signIn: (o) => authenticator.signIn({ ...o, scopes: [...new Set([...(o.scopes ?? []), ...scopes])] }) };
  };
}

export function createSignInService(options: SignInServiceOptions): SignInService {
  const { env, serverUrl, deps = {} } = options;
  const build = async (config: LoginConfig): Promise<WardenAuthenticator> => (await import('../../../auth/login/index.js')).createAuthenticator(config, deps);
  return {
    serverUrl,
    gate: createSignInGate({ env, serverUrl, ...(options.approveRun !== undefined && { approveRun: options.approveRun }) }),
    createAuthenticator: options.oauth
      ? oauthAuthenticatorFactory(env, serverUrl, options.oauth, options.fetch)
      : options.appCredentials
        ? appAuthenticatorFactory(env, options.appCredentials, deps)
        : consentingTo(loginAuthenticatorFactory(env, deps), options.alsoConsent ?? []),
    async resolve(signal) {
      // Nothing to learn from the server when the scope is configured, or no client could use it.
      if (isSet(env, 'ENTRA_API_SCOPE') || !isSet(env, 'ENTRA_CLIENT_ID')) {
        const config = await loginConfigFor(env, undefined);
        return { config, authenticator: await build(config) };
      }
      let discovered: DiscoveredAuth;
      try {
        const stop = AbortSignal.any([AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), ...(signal ? [signal] : [])]);
        const fetchFn = options.fetch ?? fetch;
        discovered = await discoverAuth(serverUrl, undefined, (url, init) => fetchFn(url, { ...init, signal: stop }));
      } catch (error) {
        const reason = errorMessage(error);
        throw new ConfigError(`ENTRA_API_SCOPE is not set and ${serverUrl} did not say which scope to request (${reason}); set ENTRA_API_SCOPE`);
      }
      const config = await loginConfigFor(env, discovered);
      return { config, discovered, authenticator: await build(config) };
    },
  };
}
