import { handleClientCredentials } from './client-credentials.js';
import { checkClient, oauthError, type OAuthResult, type ProviderContext } from './oauth.js';
import { parseScopes, resourceFor, ScopeError, scopeString, type ApiResource, type GrantedScopes } from './scopes.js';
import { clientInfo, mintAccessToken, mintIdToken, type Grant } from './tokens.js';

const DEVICE_CODE_GRANTS = ['device_code', 'urn:ietf:params:oauth:grant-type:device_code'];

/**
 * `POST /{tenant}/oauth2/v2.0/token`: the device_code grant (Entra's short name, which MSAL
 * sends, and the RFC 8628 URN) and the refresh_token grant (the token rotates on each use).
 */
export async function handleTokenRequest(params: URLSearchParams, p: ProviderContext): Promise<OAuthResult> {
  // Apps are not the public client: they prove who they are with a client assertion.
  if (params.get('grant_type') === 'client_credentials') return handleClientCredentials(params, p);
  const refused = checkClient(params, p);
  if (refused) return refused;
  const clientId = params.get('client_id') as string;
  const grantType = params.get('grant_type');

  if (grantType && DEVICE_CODE_GRANTS.includes(grantType)) {
    const deviceCode = params.get('device_code');
    if (!deviceCode) return oauthError('invalid_request', 'missing device_code');
    const result = p.deviceFlow.poll(deviceCode, clientId);
    if ('error' in result) return oauthError(result.error, result.description);
    p.log(`tokens issued to ${result.grant.user.username} (device code approved)`);
    return issueTokens(result.grant, result.grant.scopes, p, requestedContexts(params));
  }

  if (grantType === 'refresh_token') {
    const refreshToken = params.get('refresh_token');
    if (!refreshToken) return oauthError('invalid_request', 'missing refresh_token');
    let requested: GrantedScopes | undefined;
    const scope = params.get('scope');
    // A refresh token redeems for the signed-in API or an administrator-consented one.
    const resource = scope ? resourceFor(scope, [p.resource, ...p.otherApis]) : p.resource;
    try {
      requested = scope ? parseScopes(scope, resource) : undefined;
    } catch (error) {
      if (error instanceof ScopeError) return oauthError('invalid_scope', error.message);
      throw error;
    }
    const grant = await p.refreshTokens.redeem(refreshToken, clientId);
    // Entra adds suberror bad_token, which makes MSAL throw InteractionRequiredAuthError (sign in again).
    if (!grant) return oauthError('invalid_grant', 'the refresh token is invalid, expired, revoked or already used; sign in again', { suberror: 'bad_token' });
    const scopes = requested ?? grant.scopes;
    const beyond = resource === p.resource ? scopes.api.filter((name) => !grant.scopes.api.includes(name)) : [];
    if (beyond.length > 0) return oauthError('invalid_scope', `the sign-in did not grant ${beyond.join(', ')}; sign in again with that scope`);
    const acrs = requestedContexts(params);
    p.log(
      `tokens refreshed for ${grant.user.username}${resource === p.resource ? '' : ` (for ${resource.audience})`}${acrs.length > 0 ? ` (authentication context ${acrs.join(', ')})` : ''}`,
    );
    return issueTokens(grant, scopes, p, acrs, resource);
  }

  return oauthError('unsupported_grant_type', `grant_type must be device_code (or ${DEVICE_CODE_GRANTS[1]}), refresh_token or client_credentials`);
}

/**
 * The authentication contexts a `claims` request asks for (`{"access_token":{"acrs":{"essential":true,
 * "value":"c1"}}}`, or `values`), which this provider treats as satisfied by its one user; others are ignored.
 */
function requestedContexts(params: URLSearchParams): string[] {
  try {
    const acrs = (JSON.parse(params.get('claims') ?? '{}') as { access_token?: { acrs?: { value?: unknown; values?: unknown } } }).access_token?.acrs;
    const ids = [acrs?.value, ...(Array.isArray(acrs?.values) ? acrs.values : [])];
    return ids.filter((id): id is string => typeof id === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(id));
  } catch {
    return [];
  }
}

/** Entra's token response: access token for the API, ID token and refresh token per the OpenID scopes, client_info for MSAL. */
async function issueTokens(grant: Grant, scopes: GrantedScopes, p: ProviderContext, acrs: readonly string[] = [], resource: ApiResource = p.resource): Promise<OAuthResult> {
  const access = await mintAccessToken({ ...grant, scopes }, p.tokens, acrs, resource);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopeString(scopes, resource),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (grant.scopes.oidc.includes('offline_access')) body.refresh_token = await p.refreshTokens.issue(grant);
  if (scopes.oidc.includes('openid')) body.id_token = await mintIdToken(grant, p.tokens);
  body.client_info = clientInfo(grant.user, p.tenantId);
  return { status: 200, body };
}
