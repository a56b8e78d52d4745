import type { AuthenticatorDeps } from '../../../auth/login/index.js';
import type { Env } from '../../../config/load.js';
import type { AuthenticatorFactory } from './session-auth.js';

/**
 * The real (MSAL device-code) Authenticator from ENTRA_* settings; what the server's RFC 9728
 * metadata says fills in the authority and scope only where they are not configured.
 * MSAL is loaded on first need, so --no-auth and print-mode usage errors never load it.
 */
export function loginAuthenticatorFactory(env: Env, deps: AuthenticatorDeps = {}): AuthenticatorFactory {
  const set = (name: string): boolean => (env[name] ?? '').trim() !== '';
  return async (discovered) => {
    const { buildLoginConfig, createAuthenticator, loadLoginConfig } = await import('../../../auth/login/index.js');
    if (!discovered) return createAuthenticator(loadLoginConfig(env), deps);
    const config = buildLoginConfig(
      {
        ...(!set('ENTRA_AUTHORITY_HOST') && { authorityHost: discovered.authorityHost }),
        ...(!set('ENTRA_TENANT_ID') && { tenantId: discovered.tenantId }),
        ...(!set('ENTRA_API_SCOPE') && { apiScope: discovered.scope }),
      },
      env,
    );
    return createAuthenticator(config, deps);
  };
}
