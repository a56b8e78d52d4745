/**
 * What counts as an http(s) URL in any setting (MCP_SERVER_URL, a server file's `url`,
 * MCP_PUBLIC_URL, NWS_BASE_URL): WHATWG URL parsing accepts it and its scheme is http or https.
 * Plain code without zod, so the chat's start-up path and the zod schemas share it.
 */
export function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
