/**
 * The bearer gate of /mcp, in two steps around reading the body: `authenticate` checks the
 * credentials from the headers alone (a presented token is always checked, and without public
 * tools a request without one is refused before a byte of its body is read); `admit` then decides
 * with the request's messages (a public tool called without a token, a tool's authentication
 * context). Not responsible for reading bodies, rate limits or the answer itself (http.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { authenticateBearer, type BearerOutcome } from '../auth/verify/bearer.js';
import { challengeFailure, type AuthFailure } from '../auth/verify/challenge.js';
import type { TokenVerifier } from '../auth/verify/jwt-verifier.js';
import { metadataUrl } from '../auth/verify/metadata.js';
import { requestableScopes } from '../auth/verify/scopes.js';
import { isOpenRequest, type PeekedMessage } from './access.js';
import type { ServerAuthConfig } from './config.js';
import type { ToolName } from './tools/names.js';

export type GateOutcome =
  /** `authInfo` is undefined for an open (public-tool) request sent without a token. */
  { ok: true; authInfo?: AuthInfo } | { ok: false; failure: AuthFailure; reason: string };

/** What the headers established. `anonymous` only when public tools exist: the body decides whether the request is open. */
export type Credentials =
  | { ok: true; kind: 'token'; outcome: BearerOutcome & { ok: true }; resourceMetadataUrl: string }
  | { ok: true; kind: 'anonymous' }
  | { ok: false; failure: AuthFailure; reason: string };

export interface AuthGate {
  /** From the headers alone. Answers at once (no promise) for a token verified before, or for no token at all. */
  authenticate(req: IncomingMessage, resource: URL): Credentials | Promise<Credentials>;
  /** With the request's messages (undefined for a GET/DELETE, or a body that is not JSON-RPC). */
  admit(credentials: Credentials & { ok: true }, req: IncomingMessage, resource: URL, messages: PeekedMessage[] | undefined): GateOutcome;
}

/** The first called tool whose AUTH_TOOL_ACRS the token's `acrs` lacks, and what is missing. */
function missingContexts(config: ServerAuthConfig, messages: PeekedMessage[] | undefined, acrs: readonly string[]): { tool: string; missing: string[] } | undefined {
  for (const { tool } of messages ?? []) {
    const needed = tool ? config.toolAcrs[tool as ToolName] : undefined;
    const missing = needed?.filter((id) => !acrs.includes(id)) ?? [];
    if (tool && missing.length > 0) return { tool, missing };
  }
  return undefined;
}

/** The claims request Entra's claims challenges carry: `acrs` as an essential access-token claim. */
function claimsRequest(contexts: string[]): string {
  const acrs = contexts.length === 1 ? { essential: true, value: contexts[0] } : { essential: true, values: contexts };
  return JSON.stringify({ access_token: { acrs } });
}

/** Decides whether one /mcp request may proceed, and as whom. */
export function createAuthGate(config: ServerAuthConfig, verifier: TokenVerifier): AuthGate {
  const requestable = (names: readonly string[]) => requestableScopes(names, config.scopePrefix);
  // Nearly every request names the same resource (one Host): its metadata URL is built once for it.
  let last = { resource: '', metadataUrl: '' };
  const metadataUrlOf = (resource: URL): string => {
    if (last.resource !== resource.href) last = { resource: resource.href, metadataUrl: metadataUrl(resource) };
    return last.metadataUrl;
  };
  const bearer = (authorization: string[], url: URL, resource: URL, connection: object) =>
    authenticateBearer({ authorization, url, connection }, { verifier, requiredScopes: config.requiredScopes, requestable, resourceMetadataUrl: metadataUrlOf(resource) });
  const credentials = (outcome: BearerOutcome, resource: URL): Credentials =>
    outcome.ok ? { ok: true, kind: 'token', outcome, resourceMetadataUrl: metadataUrlOf(resource) } : outcome;

  return {
    authenticate(req, resource) {
      const authorization = authorizationHeaders(req);
      // Only a query string can carry an access_token; the resource URL stands in when there is none.
      const url = req.url?.includes('?') ? new URL(req.url, resource) : resource;
      // No credentials at all: with public tools the body may still show an open request.
      if (config.publicTools.length > 0 && authorization.length === 0 && !url.searchParams.has('access_token')) return { ok: true, kind: 'anonymous' };
      // A public call still gets a presented token checked: a bad token is never silently ignored.
      const outcome = bearer(authorization, url, resource, req.socket);
      return outcome instanceof Promise ? outcome.then((o) => credentials(o, resource)) : credentials(outcome, resource);
    },
    admit(checked, req, resource, messages) {
      if (checked.kind === 'anonymous') {
        const open = req.method === 'POST' ? isOpenRequest(messages, config.publicTools) : true;
        if (open) return { ok: true };
        // The plain challenge a request without a token gets (no Authorization header: no error code).
        return bearer([], resource, resource, req.socket) as BearerOutcome & { ok: false };
      }
      const { outcome, resourceMetadataUrl } = checked;
      const { verified } = outcome;
      const stepUp = missingContexts(config, messages, verified.acrs);
      if (stepUp) {
        const reason = `${stepUp.tool} needs authentication context ${stepUp.missing.join(', ')}`;
        return { ok: false, reason, failure: challengeFailure({ error: 'insufficient_claims', description: reason, claims: claimsRequest(stepUp.missing), resourceMetadataUrl }) };
      }
      return {
        ok: true,
        authInfo: {
          token: outcome.token,
          clientId: verified.clientId ?? verified.subject ?? 'unknown',
          scopes: verified.scopes,
          expiresAt: verified.expiresAt,
          // The SDK puts this into the 403 of a per-tool scope challenge.
          resourceMetadataUrl,
          extra: { subject: verified.subject, tenantId: verified.tenantId },
        },
      };
    },
  };
}

/** Every Authorization header as sent (Node keeps only the first in `headers`), without building `headersDistinct` for all of them. */
function authorizationHeaders(req: IncomingMessage): string[] {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // The length first: no lower-cased copy of every other header's name.
    if (name.length === 13 && name.toLowerCase() === 'authorization') values.push(raw[i + 1] as string);
  }
  return values;
}
