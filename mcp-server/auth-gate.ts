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

/** Answers at once (no promise) for a token verified before; a promise when the verifier has to check it. */
export type AuthGate = (req: IncomingMessage, resource: URL, messages: PeekedMessage[] | undefined) => GateOutcome | Promise<GateOutcome>;

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
  const admit = (outcome: BearerOutcome, messages: PeekedMessage[] | undefined, resourceMetadataUrl: string): GateOutcome => {
    if (!outcome.ok) return outcome;
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
  };
  return (req, resource, messages) => {
    const authorization = authorizationHeaders(req);
    // Only a query string can carry an access_token; the resource URL stands in when there is none.
    const url = req.url?.includes('?') ? new URL(req.url, resource) : resource;
    const open = req.method === 'POST' ? isOpenRequest(messages, config.publicTools) : config.publicTools.length > 0;
    // A public call still gets a presented token checked: a bad token is never silently ignored.
    if (open && authorization.length === 0 && !url.searchParams.has('access_token')) return { ok: true };

    if (last.resource !== resource.href) last = { resource: resource.href, metadataUrl: metadataUrl(resource) };
    const resourceMetadataUrl = last.metadataUrl;
    const outcome = authenticateBearer({ authorization, url, connection: req.socket }, { verifier, requiredScopes: config.requiredScopes, requestable, resourceMetadataUrl });
    return outcome instanceof Promise ? outcome.then((o) => admit(o, messages, resourceMetadataUrl)) : admit(outcome, messages, resourceMetadataUrl);
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
