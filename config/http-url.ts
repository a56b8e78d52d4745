/**
 * What counts as an http(s) URL in any setting (MCP_SERVER_URL, a server file's `url`,
 * MCP_PUBLIC_URL, NWS_BASE_URL): WHATWG URL parsing accepts it and its scheme is http or https.
 * Plain code without zod, so the chat's start-up path and the zod schemas share it. Also the one
 * rule for a loopback host (where plain http stays on this machine).
 */
export function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** 127.0.0.0/8, ::1 (bracketed or not) and `localhost`: a host that is this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
