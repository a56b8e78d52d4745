import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import { oauthError, type OAuthResult, type ProviderContext } from './oauth.js';
import { parseScopes, ScopeError } from './scopes.js';
import { mintAppToken } from './tokens.js';

/**
 * The client_credentials grant with a private-key-signed client assertion (RFC 7523
 * private_key_jwt), as Entra answers a service principal with a certificate or a federated
 * credential (workload identity): an app token whose `roles` are the API's scopes.
 * Not responsible for users, refresh tokens or ID tokens (an app gets none).
 */

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The audience Entra's federated credentials expect in an external token. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export async function handleClientCredentials(params: URLSearchParams, p: ProviderContext): Promise<OAuthResult> {
  const clientId = params.get('client_id') ?? '';
  const principal = p.servicePrincipals.find((s) => s.clientId === clientId);
  if (!principal) return oauthError('invalid_client', `unknown service principal ${clientId || '(no client_id)'}`);
  const assertion = params.get('client_assertion');
  if (params.get('client_assertion_type') !== JWT_BEARER || !assertion) {
    return oauthError('invalid_client', 'client_credentials needs a client assertion (private_key_jwt)');
  }
  const expected = principal.federated
    ? { issuer: principal.federated.issuer, subject: principal.federated.subject, audience: TOKEN_EXCHANGE_AUDIENCE }
    : { issuer: clientId, subject: clientId, audience: p.urls.tokenEndpoint };
  try {
    await jwtVerify(assertion, createPublicKey(principal.publicKeyPem), { ...expected, currentDate: new Date(p.tokens.now()), clockTolerance: 60 });
  } catch (error) {
    return oauthError('invalid_client', `the client assertion was rejected: ${(error as Error).message}`);
  }
  let roles: string[];
  try {
    const scopes = parseScopes(params.get('scope') ?? '', p.resource);
    if (!(params.get('scope') ?? '').split(/\s+/).some((s) => s.endsWith('/.default'))) {
      return oauthError('invalid_scope', `an app asks for ${p.resource.audience}/.default`);
    }
    roles = scopes.api;
  } catch (error) {
    if (error instanceof ScopeError) return oauthError('invalid_scope', error.message);
    throw error;
  }
  const access = await mintAppToken(clientId, roles, p.tokens);
  p.log(`app token issued to ${clientId}${principal.federated ? ' (federated credential)' : ' (certificate)'}`);
  return { status: 200, body: { token_type: 'Bearer', expires_in: access.expiresIn, ext_expires_in: access.expiresIn, access_token: access.token } };
}
