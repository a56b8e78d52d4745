/**
 * The MCP client SDK's OAuth helpers (RFC 9728 and RFC 8414 discovery, dynamic registration,
 * refresh, the authorization-code flow), loaded on first use: nothing on the chat's first frame
 * needs them. The SDK's OAuth code is protocol code, not MCP sessions: this part knows nothing of MCP.
 */
export type OAuthSdk = typeof import('@modelcontextprotocol/client');

let loaded: OAuthSdk | undefined;

export async function loadOAuthSdk(): Promise<OAuthSdk> {
  return (loaded ??= await import('@modelcontextprotocol/client'));
}
