/** The provider's URLs, laid out like login.microsoftonline.com, and its OpenID discovery document. */

export interface ProviderUrls {
  /** https://localhost:PORT */
  origin: string;
  /** https://localhost:PORT/<tenant>/v2.0 — `iss` of every token. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** MSAL derives this from the token endpoint (…/token → …/devicecode); published for other clients. */
  deviceAuthorizationEndpoint: string;
  jwksUri: string;
  endSessionEndpoint: string;
  /** Where the user approves a device code, like https://microsoft.com/devicelogin. */
  verificationUri: string;
}

export const VERIFICATION_PATH = '/devicelogin';

export function providerUrls(origin: string, tenantId: string): ProviderUrls {
  const tenant = `${origin}/${tenantId}`;
  return {
    origin,
    issuer: `${tenant}/v2.0`,
    authorizationEndpoint: `${tenant}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${tenant}/oauth2/v2.0/token`,
    deviceAuthorizationEndpoint: `${tenant}/oauth2/v2.0/devicecode`,
    jwksUri: `${tenant}/discovery/v2.0/keys`,
    endSessionEndpoint: `${tenant}/oauth2/v2.0/logout`,
    verificationUri: `${origin}${VERIFICATION_PATH}`,
  };
}

/** What `/{tenant}/v2.0/.well-known/openid-configuration` returns (Entra's field set, trimmed to what applies). */
export function openIdConfiguration(urls: ProviderUrls): Record<string, unknown> {
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorizationEndpoint,
    token_endpoint: urls.tokenEndpoint,
    device_authorization_endpoint: urls.deviceAuthorizationEndpoint,
    jwks_uri: urls.jwksUri,
    end_session_endpoint: urls.endSessionEndpoint,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code', 'device_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'preferred_username', 'oid', 'tid', 'ver', 'email'],
    request_uri_parameter_supported: false,
  };
}
