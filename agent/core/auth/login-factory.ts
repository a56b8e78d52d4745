import type { AuthenticatorDeps, LoginConfig, LoginConfigValues } from '../../../auth/login/index.js';
import type { SignInRequest } from '../../../auth/login/sign-in-policy.js';
import type { Env } from '../../../config/load.js';
import type { DiscoveredAuth } from './discovery.js';
import type { AuthenticatorFactory } from './session-auth.js';

const unset = (env: Env, name: string): boolean => (env[name] ?? '').trim() === '';

/** Microsoft's public cloud: what ENTRA_AUTHORITY_HOST defaults to (auth/login/config.ts, not imported here: it loads zod). */
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** What the server published (RFC 9728), for the ENTRA_* settings the user left unset; set ones win. */
export function discoveredLoginValues(env: Env, discovered: DiscoveredAuth): LoginConfigValues {
  return {
    ...(unset(env, 'ENTRA_AUTHORITY_HOST') && { authorityHost: discovered.authorityHost }),
    ...(unset(env, 'ENTRA_TENANT_ID') && { tenantId: discovered.tenantId }),
    ...(unset(env, 'ENTRA_API_SCOPE') && { apiScope: discovered.scope }),
  };
}

/**
 * The scope and identity provider a sign-in for `serverUrl` would use, and where each came from,
 * by the same rule as discoveredLoginValues; undefined while no scope is known at all.
 */
export function signInRequest(env: Env, serverUrl: string, discovered: DiscoveredAuth | undefined): SignInRequest | undefined {
  const scope = unset(env, 'ENTRA_API_SCOPE') ? discovered?.scope : env.ENTRA_API_SCOPE?.trim();
  if (scope === undefined) return undefined;
  const scopeFrom = unset(env, 'ENTRA_API_SCOPE') ? 'discovered' : 'configured';
  if (discovered && unset(env, 'ENTRA_AUTHORITY_HOST')) {
    return { server: serverUrl, scope, scopeFrom, authorityHost: discovered.authorityHost, authorityFrom: 'discovered' };
  }
  return { server: serverUrl, scope, scopeFrom, authorityHost: env.ENTRA_AUTHORITY_HOST?.trim() || DEFAULT_AUTHORITY_HOST, authorityFrom: 'configured' };
}

/**
 * The sign-in settings by the one rule: ENTRA_* as configured (flags, environment, the server's
 * `auth` entry merged in); what the server's RFC 9728 metadata says fills in the authority and
 * scope only where they are not configured. Throws ConfigError naming what is missing.
 */
export async function loginConfigFor(env: Env, discovered: DiscoveredAuth | undefined): Promise<LoginConfig> {
  // auth/login/config.ts brings zod: loaded on first need, never on the chat's first frame.
  const { buildLoginConfig, loadLoginConfig } = await import('../../../auth/login/index.js');
  return discovered ? buildLoginConfig(discoveredLoginValues(env, discovered), env) : loadLoginConfig(env);
}

/**
 * The real (MSAL device-code) Authenticator from those settings. MSAL is loaded on first need,
 * so --no-auth and print-mode usage errors never load it.
 */
export function loginAuthenticatorFactory(env: Env, deps: AuthenticatorDeps = {}): AuthenticatorFactory {
  return async (discovered) => (await import('../../../auth/login/index.js')).createAuthenticator(await loginConfigFor(env, discovered), deps);
}
