/**
 * The MCP client SDK, loaded on first use: the chat draws its first frame before it connects,
 * and the SDK (with its schemas) is a good part of what a start-up would otherwise parse first.
 */
export type McpSdk = typeof import('@modelcontextprotocol/client');

let loaded: McpSdk | undefined;

export async function loadMcpSdk(): Promise<McpSdk> {
  return (loaded ??= await import('@modelcontextprotocol/client'));
}

/** The SDK if something has loaded it; an error can only be one of its classes once it has. */
export function loadedMcpSdk(): McpSdk | undefined {
  return loaded;
}
