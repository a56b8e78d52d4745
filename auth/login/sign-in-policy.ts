import { safeLine } from '../../config/terminal-text.js';
import { authorityHostKey, isEntraAuthorityHost } from './authority.js';
import { scopeKey, serverResource, type Approvals } from './server-approvals.js';

/**
 * Whether a token for an API scope, from an identity provider, may be obtained for and sent to
 * one MCP server — the rules of issue 11 in one pure function:
 *
 * - what the user configured (server together with ENTRA_API_SCOPE; ENTRA_AUTHORITY_HOST) is approved;
 * - a scope learned from a server's metadata whose API no server holds yet binds to that server (trust on first use);
 * - a learned scope whose API (any scope of it) is bound to other servers is refused unless this server was approved;
 * - a learned identity provider must be a Microsoft Entra host, the configured one, or approved.
 *
 * Not responsible for: storing approvals (server-approvals.ts), MSAL, or asking the user.
 */

/** Where a setting came from: the user's configuration, or a server's RFC 9728 metadata. */
export type SettingSource = 'configured' | 'discovered';

export interface SignInRequest {
  /** The MCP server URL the token would be sent to. */
  server: string;
  scope: string;
  scopeFrom: SettingSource;
  /** https://host[:port] of the identity provider. */
  authorityHost: string;
  authorityFrom: SettingSource;
}

export type ApprovalReason = { kind: 'scope-bound-elsewhere'; scope: string; server: string; boundTo: string[] } | { kind: 'untrusted-authority'; host: string; server: string };

export type PolicyDecision =
  /** `bind`: record this server for the scope once a token is obtained (configured, or first use). */
  { allowed: true; bind: boolean } | { allowed: false; reason: ApprovalReason };

/**
 * The decision for `request` given the recorded `approvals`. The authority is judged first:
 * nothing may be fetched from an untrusted host, not even to find out about the scope.
 */
export function decideSignIn(request: SignInRequest, approvals: Approvals): PolicyDecision {
  const server = serverResource(request.server);
  if (request.authorityFrom === 'discovered') {
    const host = authorityHostKey(request.authorityHost);
    if (!isEntraAuthorityHost(host) && !approvals.authorityHosts.has(host)) {
      return { allowed: false, reason: { kind: 'untrusted-authority', host, server } };
    }
  }
  if (request.scopeFrom === 'configured') return { allowed: true, bind: true };
  const exact = approvals.scopes.get(scopeKey(request.scope)) ?? [];
  if (exact.includes(server)) return { allowed: true, bind: false };
  // Any scope of the same API counts: a refresh token turns `api://a/.default` into a token for
  // api://a without the user seeing anything, so that is not a new scope to trust on first use.
  const api = scopeApi(request.scope);
  const bound = [...new Set([...approvals.scopes].filter(([scope]) => scopeApi(scope) === api).flatMap(([, servers]) => servers))];
  if (bound.length === 0 || bound.includes(server)) return { allowed: true, bind: true };
  return { allowed: false, reason: { kind: 'scope-bound-elsewhere', scope: request.scope, server, boundTo: bound } };
}

/** The API (token audience) a scope is for: `api://a/execute` → `api://a`; a bare scope (`User.Read`) is its own. */
export function scopeApi(scope: string): string {
  const key = scopeKey(scope);
  const slash = key.lastIndexOf('/');
  return /^[a-z][a-z0-9+.-]*:\/\/[^/]+\//.test(key) && slash > 0 ? key.slice(0, slash) : key;
}

/**
 * One line naming what was refused and how to approve it, e.g. for `-p` and `warden login`.
 * `how` is the way to approve in that front end (a flag, a key).
 */
export function describeApprovalReason(reason: ApprovalReason, how: string): string {
  switch (reason.kind) {
    case 'scope-bound-elsewhere':
      return (
        // The scope is the server's word: shown without controls, and short.
        `${reason.server} asks for a token for ${safeLine(reason.scope, 120)}, which is bound to ${reason.boundTo.join(', ')}; ` +
        `not sending it there unless you approve (${how})`
      );
    case 'untrusted-authority':
      return (
        `${reason.server} names the identity provider ${reason.host}, which is not a Microsoft Entra host nor ENTRA_AUTHORITY_HOST; ` +
        `not signing in there unless you approve (${how})`
      );
  }
}
