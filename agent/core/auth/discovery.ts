import type { FetchLike } from '@modelcontextprotocol/client';
import { splitAuthority } from '../../../auth/login/authority.js';
import { errorMessage } from '../../../config/error-text.js';
import { loadMcpSdk } from '../mcp/sdk.js';

/** Sign-in settings read from the server's RFC 9728 metadata (what ENTRA_* would otherwise say). */
export interface DiscoveredAuth {
  /** e.g. https://login.microsoftonline.com (ENTRA_AUTHORITY_HOST). */
  authorityHost: string;
  /** ENTRA_TENANT_ID. */
  tenantId: string;
  /** ENTRA_API_SCOPE, e.g. api://<server-app>/execute. */
  scope: string;
  /** The authorization server as published, e.g. https://login.microsoftonline.com/<tenant>/v2.0. */
  authority: string;
}

function sameResource(a: string, b: string): boolean {
  const norm = (u: string): string => {
    const url = new URL(u);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  };
  return norm(a) === norm(b);
}

/**
 * Reads where to sign in from the server: the `resource_metadata` of a 401 challenge (or the
 * well-known location when there is no challenge at hand), then the RFC 9728 document.
 */
export async function discoverAuth(serverUrl: string, challenge: Response | undefined, fetchFn?: FetchLike): Promise<DiscoveredAuth> {
  const { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } = await loadMcpSdk();
  const pointer = challenge ? extractWWWAuthenticateParams(challenge).resourceMetadataUrl : undefined;
  let metadata: Awaited<ReturnType<typeof discoverOAuthProtectedResourceMetadata>>;
  try {
    metadata = await discoverOAuthProtectedResourceMetadata(serverUrl, pointer ? { resourceMetadataUrl: pointer } : {}, fetchFn);
  } catch (error) {
    throw new Error(`could not read the server's sign-in metadata: ${errorMessage(error)}`);
  }
  // RFC 9728 §3.3: a document about another resource must not be used for this one.
  if (metadata.resource && !sameResource(metadata.resource, serverUrl)) {
    throw new Error(`the server's sign-in metadata describes ${metadata.resource}, not ${serverUrl}`);
  }
  const authority = metadata.authorization_servers?.[0];
  const scope = metadata.scopes_supported?.[0];
  if (!authority) throw new Error("the server's sign-in metadata names no authorization server");
  if (!scope) throw new Error("the server's sign-in metadata names no scope");
  return { ...splitAuthority(authority), scope, authority };
}
