import { isLoopbackHost } from '../../config/http-url.js';
import { authorityHostKey, isEntraAuthorityHost } from './authority.js';

/**
 * The rule for links an identity provider gives Warden to show and open — a device grant's
 * `verification_uri` and `verification_uri_complete`, a browser sign-in's authorization URL
 * (issue 21 §6): only `https:`, or `http:` to this machine (loopback), is a link at all; anything
 * else (`file:`, `javascript:`, a custom scheme) is neither shown as the place to sign in nor
 * handed to a browser opener. A link to another host than the identity provider's is allowed
 * but named, so the user is told plainly where the code would go (the device-code phishing
 * pattern: a lying server points at a page it does not own).
 * Not responsible for showing links (the panel, `warden login`) or opening them (the opener).
 */

/** The link as a URL when Warden may show and open it (https:, or http: on loopback, no userinfo); undefined otherwise. */
export function openableLink(link: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  return undefined;
}

/** What a refused link is called in an error: its scheme only (the rest is the server's text). */
export function refusedLinkReason(link: string): string {
  const scheme = /^([a-z][a-z0-9+.-]{0,20}):/i.exec(link)?.[1];
  return scheme ? `a ${scheme.toLowerCase()}: link (only https:, or http: on this computer, is opened)` : 'no valid link (only https:, or http: on this computer, is opened)';
}

/** Microsoft's own device-code pages (`https://microsoft.com/devicelogin`, `https://login.microsoft.com/device`, …). */
const MICROSOFT_SIGN_IN_PAGES = new Set(['microsoft.com', 'www.microsoft.com', 'login.microsoft.com']);

/**
 * The link's host when it is not the identity provider's own; undefined when it is. For a
 * Microsoft Entra authority, Microsoft's sign-in hosts all count as its own.
 */
export function foreignLinkHost(link: URL, authorityHost: string): string | undefined {
  const host = link.host.toLowerCase();
  const authority = authorityHostKey(authorityHost);
  if (host === authority) return undefined;
  if (isEntraAuthorityHost(authority) && (isEntraAuthorityHost(host) || MICROSOFT_SIGN_IN_PAGES.has(host))) return undefined;
  return host;
}

/** The links of a sign-in prompt, checked: what the prompt may carry. */
export interface CheckedLinks {
  verificationUri: string;
  /** Only when openable and on the same origin as verificationUri (RFC 8628 §3.3.1: that page with the code filled in). */
  verificationUriComplete?: string;
  /** Set when the link goes to another host than the identity provider's. */
  linkHost?: string;
}

/**
 * Checks a prompt's links against the identity provider's host: the main link must be openable
 * (undefined otherwise: the caller refuses the sign-in); the complete link is kept only when it
 * is openable and on the main link's origin, so `o` never opens a page other than the one shown.
 */
export function checkSignInLinks(authorityHost: string, verificationUri: string, verificationUriComplete?: string): CheckedLinks | undefined {
  const main = openableLink(verificationUri);
  if (!main) return undefined;
  const complete = verificationUriComplete === undefined ? undefined : openableLink(verificationUriComplete);
  const linkHost = foreignLinkHost(main, authorityHost);
  return {
    verificationUri: main.href,
    ...(complete && complete.origin === main.origin && { verificationUriComplete: complete.href }),
    ...(linkHost && { linkHost }),
  };
}

/** The plain warning for a prompt whose link is on another host than the identity provider's; undefined when it is not. */
export function foreignLinkWarning(prompt: { authorityHost: string; userCode?: string; linkHost?: string }): string | undefined {
  if (prompt.linkHost === undefined) return undefined;
  const act = prompt.userCode === undefined ? 'Sign in there' : 'Enter the code there';
  return `Careful: this link goes to ${prompt.linkHost}, not to ${prompt.authorityHost} (the sign-in server). ${act} only if you expected that site.`;
}

/**
 * The one-sentence instruction for a device code, built from the checked link: never the
 * provider's own text, which could name another page than the one checked.
 */
export function deviceCodeMessage(links: CheckedLinks, userCode: string): string {
  return `To sign in, open ${links.verificationUri} and enter the code ${userCode}.`;
}
