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

/** An MCP `initialize` a server answers before any sign-in: 401 if it wants one. */
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'warden', version: '0' } },
});

/**
 * The server's 401 challenge, asked for with a token-less `initialize` (what a command has instead
 * of a chat's first request); undefined when it answers without one (it needs no sign-in).
 * Throws when nothing answers.
 */
export async function askForChallenge(serverUrl: string, fetchFn: FetchLike = fetch): Promise<Response | undefined> {
  const response = await fetchFn(serverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: INITIALIZE,
    redirect: 'manual',
  });
  await response.body?.cancel().catch(() => undefined);
  return response.status === 401 ? response : undefined;
}

/**
 * The server's metadata when no 401 is at hand (a command, a sign-in asked for before any call):
 * its challenge asked for first, so the `resource_metadata` it points to and the `scope` it names
 * count as they would in a chat; without a challenge, the well-known locations.
 */
export async function discoverServerMetadata(serverUrl: string, fetchFn: FetchLike = fetch): Promise<ServerAuthMetadata> {
  const challenge = await askForChallenge(serverUrl, fetchFn).catch(() => undefined);
  return readServerMetadata(serverUrl, challenge, fetchFn);
}

/** `fetchFn` that gives up after `ms` or when `signal` aborts (a command's Ctrl-C). */
export function boundedFetch(fetchFn: FetchLike, ms: number, signal?: AbortSignal): FetchLike {
  const stop = AbortSignal.any([AbortSignal.timeout(ms), ...(signal ? [signal] : [])]);
  return (url, init) => fetchFn(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stop]) : stop });
}

/** The MCP spec's scope selection: the challenge's `scope`, else the document's `scopes_supported`, else none. */
export function selectedScope(metadata: ServerAuthMetadata): string | undefined {
  return metadata.challengeScope ?? (metadata.document.scopes_supported?.length ? metadata.document.scopes_supported.join(' ') : undefined);
}
