import type { IncomingMessage, ServerResponse } from 'node:http';
import { protectedResourceMetadata } from '../auth/verify/metadata.js';
import { requestableScopes } from '../auth/verify/scopes.js';
import type { ServerAuthConfig } from './config.js';
import { sendJson } from './respond.js';

/** Serves the RFC 9728 document; public and CORS-open, since clients read it before they have a token. */
export function serveMetadata(req: IncomingMessage, res: ServerResponse, resource: URL, auth: ServerAuthConfig): void {
  const cors = { 'Access-Control-Allow-Origin': '*' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendJson(res, 405, { error: 'method_not_allowed', error_description: 'use GET' }, { Allow: 'GET, HEAD, OPTIONS', ...cors });
  }
  const scopes = [...new Set([...auth.requiredScopes, ...Object.values(auth.toolScopes).flat()])];
  const document = protectedResourceMetadata({
    resource,
    authorizationServers: auth.authorizationServers,
    scopesSupported: requestableScopes(scopes, auth.scopePrefix),
    resourceName: 'Warden MCP server',
  });
  sendJson(res, 200, document, cors);
}
