import type { ServerConfig } from './server-config.js';

/**
 * Where a server is, fit to print in status lines, /mcp and errors: a URL without userinfo,
 * query values or fragment; for stdio the command alone (its arguments may carry expanded keys).
 * Not responsible for: sanitising terminal controls (the UI does that where it displays).
 */
export function printableTarget(config: ServerConfig): string {
  if (config.type === 'stdio') return config.args.length > 0 ? `${config.command} …` : config.command;
  try {
    const url = new URL(config.url);
    url.username = '';
    url.password = '';
    url.hash = '';
    for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, '…');
    return url.toString().replace(/%E2%80%A6/g, '…');
  } catch {
    // The configuration loader validates URLs; an unparsable one is still never printed whole.
    return '(invalid URL)';
  }
}
