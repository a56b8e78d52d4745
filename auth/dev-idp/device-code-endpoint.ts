import { checkClient, oauthError, type OAuthResult, type ProviderContext } from './oauth.js';
import { parseScopes, ScopeError, type GrantedScopes } from './scopes.js';

/** `POST /{tenant}/oauth2/v2.0/devicecode` (RFC 8628 §3.1–3.2, Entra's response shape). */
export function handleDeviceCodeRequest(params: URLSearchParams, p: ProviderContext): OAuthResult {
  const refused = checkClient(params, p);
  if (refused) return refused;
  let scopes: GrantedScopes;
  try {
    scopes = parseScopes(params.get('scope') ?? '', p.resource);
  } catch (error) {
    if (error instanceof ScopeError) return oauthError('invalid_scope', error.message);
    throw error;
  }
  const authorization = p.deviceFlow.start(params.get('client_id') as string, scopes);
  const { verificationUri } = p.urls;
  const now = p.tokens.now();
  p.log(`device code issued: user code ${authorization.userCode} (open ${verificationUri})`);
  return {
    status: 200,
    body: {
      device_code: authorization.deviceCode,
      user_code: authorization.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?code=${encodeURIComponent(authorization.userCode)}`,
      expires_in: Math.round((authorization.expiresAt - now) / 1000),
      // MSAL has no default interval: without it, it polls in a tight loop.
      interval: authorization.interval,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${authorization.userCode} to authenticate.`,
    },
  };
}
