import type { FetchLike, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/client';
import { errorMessage } from '../../../config/error-text.js';
import { loadMcpSdk } from '../mcp/sdk.js';

/**
 * What a server says about its sign-in: its RFC 9728 protected-resource document, found through
 * the `resource_metadata` of its 401 challenge (or the well-known locations when there is no
 * challenge at hand), and the `scope` the challenge named. Read once per need, for every kind.
 * Not responsible for trusting any of it: the settings (settings.ts) let it fill only what the
 * user left unset, and the gate decides whether a token may go there.
 */
export interface ServerAuthMetadata {
  /** The server it was read for. */
  serverUrl: string;
  /** The document as published. */
  document: OAuthProtectedResourceMetadata;
  /** `authorization_servers[0]`: where to sign in. */
  authorizationServer: string;
  /** The scope the 401 challenge asked for, if it named one. */
  challengeScope?: string;
}

/** The document, from the challenge's pointer or the well-known locations; throws one line saying why not. */
export async function readServerMetadata(serverUrl: string, challenge: Response | undefined, fetchFn?: FetchLike): Promise<ServerAuthMetadata> {
  const { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } = await loadMcpSdk();
  const params = challenge ? extractWWWAuthenticateParams(challenge) : {};
  let document: OAuthProtectedResourceMetadata;
  try {
    document = await discoverOAuthProtectedResourceMetadata(serverUrl, params.resourceMetadataUrl ? { resourceMetadataUrl: params.resourceMetadataUrl } : {}, fetchFn);
  } catch (error) {
    throw new Error(`could not read the server's sign-in metadata: ${errorMessage(error)}`);
  }
  const authorizationServer = document.authorization_servers?.[0];
  if (!authorizationServer) throw new Error("the server's sign-in metadata names no authorization server");
  return { serverUrl, document, authorizationServer, ...(params.scope && { challengeScope: params.scope }) };
}

/** The MCP spec's scope selection: the challenge's `scope`, else the document's `scopes_supported`, else none. */
export function selectedScope(metadata: ServerAuthMetadata): string | undefined {
  return metadata.challengeScope ?? (metadata.document.scopes_supported?.length ? metadata.document.scopes_supported.join(' ') : undefined);
}
