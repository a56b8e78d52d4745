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

/**
 * Values of a server's configuration that must never be shown: header and env values, URL
 * userinfo and query values (raw and decoded), plus `extra` (e.g. a bearer token).
 */
function secretsOf(config: ServerConfig, extra: readonly string[]): string[] {
  const values = [...extra];
  if (config.type === 'stdio') values.push(...Object.values(config.env), ...config.args.filter((a) => /[=:]/.test(a) || a.length >= 16));
  else {
    values.push(...Object.values(config.headers));
    try {
      const url = new URL(config.url);
      values.push(url.username, url.password, decodeURIComponent(url.username), decodeURIComponent(url.password), ...url.searchParams.values());
      for (const [, v] of url.searchParams) values.push(encodeURIComponent(v));
    } catch {
      // An unparsable URL is replaced whole below.
    }
  }
  // Short values (a `1`, a `true`) would blank out ordinary words; they are not secrets worth that.
  return [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
}

/**
 * A function that takes secrets out of a line about this server (an error from fetch, the SDK or a
 * child process may quote the URL with its userinfo, or a header): the raw URL becomes the
 * printable one, every secret value `…`.
 */
export function redactor(config: ServerConfig, extra: readonly string[] = []): (text: string) => string {
  const secrets = secretsOf(config, extra);
  const rawUrl = config.type === 'stdio' ? undefined : config.url;
  const target = printableTarget(config);
  return (text) => {
    let out = rawUrl ? text.split(rawUrl).join(target) : text;
    for (const secret of secrets) out = out.split(secret).join('…');
    return out;
  };
}
