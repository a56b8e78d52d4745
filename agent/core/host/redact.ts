/**
 * Keeps a server's secrets out of text that is about to be shown or logged. Libraries quote
 * the URL they failed on (fetch: "Request cannot be constructed from a URL that includes
 * credentials: http://user:secret@…"), so messages about a server pass through here: its URL
 * becomes the printable form and every secret value of its settings becomes `***`.
 *
 * Not responsible for: terminal safety (safeLine), which callers still apply.
 */
import type { Env } from '../../../config/load.js';
import { MASK, printableUrl } from '../../../config/printable-url.js';
import type { ServerConfig } from './server-config.js';

/** Shorter values would mask ordinary words; no real key is this short. */
const MIN_SECRET = 4;

/** Every value in a server's settings that must never be printed (userinfo, query values, headers, env, bearer token, client secret). */
export function serverSecrets(config: ServerConfig, env: Env = {}): string[] {
  const found: string[] = [];
  if (config.type === 'stdio') {
    found.push(...Object.values(config.env));
  } else {
    found.push(...Object.values(config.headers));
    // A header value `Bearer abc` also appears as its token alone.
    found.push(...Object.values(config.headers).map((v) => v.replace(/^\S+\s+/, '')));
    try {
      const url = new URL(config.url);
      found.push(url.username, url.password, decodeURIComponent(url.username), decodeURIComponent(url.password));
      for (const value of url.searchParams.values()) found.push(value, encodeURIComponent(value));
    } catch {
      found.push(config.url);
    }
  }
  if (config.auth?.kind === 'bearer') found.push(env[config.auth.tokenEnv] ?? '');
  if (config.auth?.kind === 'oauth' && config.auth.clientSecret !== undefined) found.push(config.auth.clientSecret, encodeURIComponent(config.auth.clientSecret));
  return [...new Set(found.filter((s) => s.length >= MIN_SECRET))].sort((a, b) => b.length - a.length);
}

/** `text` fit to show: the server's raw URL replaced by its printable form, every secret by `***`. */
export function redactServerText(text: string, config: ServerConfig, env: Env = {}): string {
  let out = config.type === 'stdio' ? text : text.split(config.url).join(printableUrl(config.url));
  for (const secret of serverSecrets(config, env)) out = out.split(secret).join(MASK);
  return out;
}
