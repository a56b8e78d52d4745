import type { DeviceFlow } from './device-flow.js';
import type { ProviderUrls } from './discovery.js';
import type { RefreshTokens } from './refresh-tokens.js';
import type { ApiResource } from './scopes.js';
import type { DevUser, TokenSettings } from './tokens.js';

/** An app that signs in as itself. */
export interface DevServicePrincipal {
  clientId: string;
  /** PEM certificate or public key whose private key signs its client assertions. */
  publicKeyPem: string;
  /**
   * A federated credential instead of a certificate: assertions are the external issuer's tokens
   * (`iss`, `sub` as given, `aud` api://AzureADTokenExchange), signed with publicKeyPem's key.
   */
  federated?: { issuer: string; subject: string };
}

/** Everything the endpoints share. */
export interface ProviderContext {
  urls: ProviderUrls;
  tenantId: string;
  clientId: string;
  resource: ApiResource;
  /**
   * Other APIs of the tenant, consented for every user by an administrator (as enterprises do):
   * a user's refresh token redeems for their scopes, so one sign-in serves several servers.
   */
  otherApis: readonly ApiResource[];
  /** Who approving a code signs in as. */
  user: DevUser;
  deviceFlow: DeviceFlow;
  /** Apps that may use the client_credentials grant. */
  servicePrincipals: readonly DevServicePrincipal[];
  refreshTokens: RefreshTokens;
  tokens: TokenSettings;
  /** The provider's certificate file: what `curl --cacert` needs to approve without a browser. */
  caFile: string;
  log: (line: string) => void;
}

/** A JSON answer of an OAuth endpoint. */
export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

/** OAuth error JSON (RFC 6749 §5.2), status 400 like Entra. */
export function oauthError(error: string, description: string, extra: Record<string, unknown> = {}): OAuthResult {
  return { status: 400, body: { error, error_description: description, ...extra } };
}

/** The public client this provider knows; anything else is refused with a hint. */
export function checkClient(params: URLSearchParams, p: ProviderContext): OAuthResult | undefined {
  const clientId = params.get('client_id');
  if (!clientId) return oauthError('invalid_request', 'missing client_id');
  if (clientId !== p.clientId) return oauthError('invalid_client', `unknown client_id ${clientId}: this development provider knows only ${p.clientId}`);
  return undefined;
}
