import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { authenticateBearer } from '../auth/verify/bearer.js';
import { challengeFailure, type AuthFailure } from '../auth/verify/challenge.js';
import type { TokenVerifier } from '../auth/verify/jwt-verifier.js';
import { metadataUrl } from '../auth/verify/metadata.js';
import { requestableScopes } from '../auth/verify/scopes.js';
import { isOpenRequest, type PeekedMessage } from './access.js';
import type { ServerAuthConfig } from './config.js';
import type { ToolName } from './tools/names.js';

export type GateOutcome =
  /** `authInfo` is undefined for an open (public-tool) request sent without a token. */
  | { ok: true; authInfo?: AuthInfo }
  | { ok: false; failure: AuthFailure; reason: string };

export type AuthGate = (req: IncomingMessage, resource: URL, messages: PeekedMessage[] | undefined) => Promise<GateOutcome>;

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
  return async (req, resource, messages) => {
    const authorization = req.headersDistinct.authorization ?? [];
    const url = new URL(req.url ?? '/', resource);
    const open = req.method === 'POST' ? isOpenRequest(messages, config.publicTools) : config.publicTools.length > 0;
    // A public call still gets a presented token checked: a bad token is never silently ignored.
    if (open && authorization.length === 0 && !url.searchParams.has('access_token')) return { ok: true };

    const resourceMetadataUrl = metadataUrl(resource);
    const outcome = await authenticateBearer(
      { authorization, url },
      { verifier, requiredScopes: config.requiredScopes, requestable, resourceMetadataUrl },
    );
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
}
