/**
 * A URL fit to print: the one place that decides how a server address appears in output, logs
 * and errors. Userinfo (`user:secret@`) is dropped, every query value is masked (keys in query
 * strings are a common workaround for servers without auth) and the fragment is removed; the
 * result is terminal-safe.
 *
 * Not responsible for: deciding where a URL may be sent, nor headers (never printed at all).
 */
import { safeLine } from './terminal-text.js';

export const MASK = '***';

/** `url` without userinfo, query values or fragment; text that is not a URL is not echoed. */
export function printableUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    // A malformed URL may still carry a secret: never echo it.
    return '(not a valid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const keys = [...new Set(parsed.searchParams.keys())];
  // Built by hand: URLSearchParams would percent-encode the mask.
  const query = keys.map((key) => `${encodeURIComponent(key)}=${MASK}`).join('&');
  parsed.search = '';
  return safeLine(`${parsed.href}${query ? `?${query}` : ''}`, 300);
}
