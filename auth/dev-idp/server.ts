import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../config/error-text.js';
import { handleDeviceCodeRequest } from './device-code-endpoint.js';
import { openIdConfiguration, VERIFICATION_PATH } from './discovery.js';
import type { KeyRing } from './keys.js';
import type { OAuthResult, ProviderContext } from './oauth.js';
import { handleTokenRequest } from './token-endpoint.js';
import { showVerificationPage, submitVerificationPage, type PageResult } from './verification-page.js';

export interface Stats {
  tokenRequests: number;
  deviceCodeRequests: number;
  discoveryRequests: number;
  jwksRequests: number;
}

const MAX_BODY_BYTES = 64 * 1024;

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  // Not no-referrer: with it, Chromium sends `Origin: null` on the page's own form post.
  'Referrer-Policy': 'same-origin',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const keys = [...form.keys()];
  const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
  // RFC 6749 §3.2: parameters must not be repeated.
  if (repeated) throw new HttpError(400, `parameter ${repeated} is repeated`);
  return form;
}

function sendJson(res: ServerResponse, { status, body }: OAuthResult, noStore = true): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...(noStore && { 'Cache-Control': 'no-store', Pragma: 'no-cache' }) });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, result: PageResult): void {
  if ('text' in result) res.writeHead(result.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(result.text);
  else res.writeHead(result.status, HTML_HEADERS).end(result.html);
}

const INDEX = (p: ProviderContext): PageResult => ({
  status: 200,
  html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Warden development identity provider</title></head><body>
<p><strong>Warden development identity provider — not for production.</strong></p>
<p>Sign in with a device code at <a href="${VERIFICATION_PATH}">${VERIFICATION_PATH}</a>. OpenID configuration:
<a href="/${p.tenantId}/v2.0/.well-known/openid-configuration">/${p.tenantId}/v2.0/.well-known/openid-configuration</a>.</p>
</body></html>
`,
});

/** Routes requests on Entra's paths (`/{tenant}/…`) plus the verification page. */
export function createRequestHandler(p: ProviderContext, keys: KeyRing, stats: Stats) {
  /** Refusals are logged by their error code (never the request's secrets); pending polls are routine. */
  const logRefusal = (result: OAuthResult, what: string): OAuthResult => {
    const error = result.body.error;
    if (error !== undefined && error !== 'authorization_pending') p.log(`${what} refused: ${String(error)}: ${String(result.body.error_description)}`);
    return result;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', p.urls.origin);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      res
        .writeHead(405, { Allow: methods.join(', '), 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_request', error_description: `use ${methods.join(' or ')}` }));
      return false;
    };

    if (path === '/') {
      if (allow('GET', 'HEAD')) sendHtml(res, INDEX(p));
      return;
    }
    if (path === VERIFICATION_PATH) {
      if (method === 'POST') return sendHtml(res, submitVerificationPage(await readForm(req), req.headers, p));
      if (allow('GET', 'HEAD', 'POST')) sendHtml(res, showVerificationPage(url.searchParams, p));
      return;
    }

    const match = /^\/([^/]+)(\/.*)$/.exec(path);
    const [, tenant = '', rest = ''] = match ?? [];
    if (!match) return sendJson(res, { status: 404, body: { error: 'not_found', error_description: `no such endpoint: ${path}` } });
    if (tenant.toLowerCase() !== p.tenantId.toLowerCase()) {
      return sendJson(res, { status: 400, body: { error: 'invalid_tenant', error_description: `tenant "${tenant}" not found: this development provider serves ${p.tenantId}` } });
    }
    switch (rest) {
      case '/v2.0/.well-known/openid-configuration':
      case '/.well-known/openid-configuration':
        if (!allow('GET', 'HEAD')) return;
        stats.discoveryRequests++;
        return sendJson(res, { status: 200, body: openIdConfiguration(p.urls) }, false);
      case '/discovery/v2.0/keys':
      case '/discovery/keys':
        if (!allow('GET', 'HEAD')) return;
        stats.jwksRequests++;
        return sendJson(res, { status: 200, body: keys.jwks() }, false);
      case '/oauth2/v2.0/devicecode':
        if (!allow('POST')) return;
        stats.deviceCodeRequests++;
        return sendJson(res, logRefusal(handleDeviceCodeRequest(await readForm(req), p), 'device code request'));
      case '/oauth2/v2.0/token':
        if (!allow('POST')) return;
        stats.tokenRequests++;
        return sendJson(res, logRefusal(await handleTokenRequest(await readForm(req), p), 'token request'));
      case '/oauth2/v2.0/authorize':
        return sendHtml(res, { status: 400, html: '<!doctype html><p>This development provider supports the device code flow only.</p>\n' });
      case '/oauth2/v2.0/logout':
        return sendHtml(res, { status: 200, html: '<!doctype html><p>Signed out. You can close this window.</p>\n' });
      default:
        return sendJson(res, { status: 404, body: { error: 'not_found', error_description: `no such endpoint: ${path}` } });
    }
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = errorMessage(error);
      p.log(`${req.method} ${req.url?.split('?')[0]} failed: ${message}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, { status, body: { error: status === 500 ? 'server_error' : 'invalid_request', error_description: status === 500 ? 'internal error' : message } });
    });
  };
}

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** HTTPS on host:port; rejects with EADDRINUSE etc. so the caller can fall back to another port. */
export async function listenHttps(tls: { certPem: string; keyPem: string }, handler: ReturnType<typeof createRequestHandler>, host: string, port: number): Promise<Listening> {
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
