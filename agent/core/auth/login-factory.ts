import type { AuthenticatorDeps, LoginConfigValues } from '../../../auth/login/index.js';
import type { Env } from '../../../config/load.js';
import type { DiscoveredAuth } from './discovery.js';
import type { AuthenticatorFactory } from './session-auth.js';

/** What the server published (RFC 9728), for the ENTRA_* settings the user left unset; set ones win. */
export function discoveredLoginValues(env: Env, discovered: DiscoveredAuth): LoginConfigValues {
  const unset = (name: string): boolean => (env[name] ?? '').trim() === '';
  return {
    ...(unset('ENTRA_AUTHORITY_HOST') && { authorityHost: discovered.authorityHost }),
    ...(unset('ENTRA_TENANT_ID') && { tenantId: discovered.tenantId }),
    ...(unset('ENTRA_API_SCOPE') && { apiScope: discovered.scope }),
  };
}

/**
 * The real (MSAL device-code) Authenticator from ENTRA_* settings; what the server's RFC 9728
 * metadata says fills in the authority and scope only where they are not configured.
 * MSAL is loaded on first need, so --no-auth and print-mode usage errors never load it.
 */
export function loginAuthenticatorFactory(env: Env, deps: AuthenticatorDeps = {}): AuthenticatorFactory {
  return async (discovered) => {
    const { buildLoginConfig, createAuthenticator, loadLoginConfig } = await import('../../../auth/login/index.js');
    const config = discovered ? buildLoginConfig(discoveredLoginValues(env, discovered), env) : loadLoginConfig(env);
    return createAuthenticator(config, deps);
  };
}
