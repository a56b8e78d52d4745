import { serverResource } from '../login/server-approvals.js';

/**
 * Which MCP server a server's RFC 9728 protected-resource document may speak for, and which server
 * a stored grant belongs to: the one rule every sign-in kind applies before it uses what a server
 * said about its sign-in.
 *
 * RFC 9728 §3.3: a document whose `resource` is not the resource it was fetched for must not be
 * used — otherwise server B could claim to be server A and be handed A's tokens. The resource
 * identifier of an MCP server is its URL (origin and path); a document fetched from the origin's
 * root well-known location names the origin, which the MCP SDK accepts too. Nothing else counts:
 * not another origin, not another path on the same origin.
 * Not responsible for fetching the document (the MCP SDK's discovery) nor for tokens.
 */

/** `serverUrl` as a grant's owner and a resource: origin + path, no trailing slash, no userinfo, query or fragment. */
export const serverKey = (serverUrl: string): string => serverResource(serverUrl);

/** Whether a document naming `resource` (absent: the document does not say, so it speaks for the server asked) describes `serverUrl`. */
export function describesServer(resource: string | undefined, serverUrl: string): boolean {
  if (resource === undefined || resource === '') return true;
  let named: string;
  try {
    named = serverResource(resource);
  } catch {
    return false;
  }
  const server = serverResource(serverUrl);
  return named === server || named === new URL(server).origin;
}

/** The one-line reason a document is refused (the resource is the server's word: made safe by whoever prints it). */
export function otherResourceMessage(resource: string, serverUrl: string): string {
  return `the server's sign-in metadata describes ${resource}, not ${serverKey(serverUrl)} (RFC 9728 §3.3): Warden does not use it, so no token goes to a server claiming another's resource`;
}
