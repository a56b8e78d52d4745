import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { loopbackContext } from './chromium.js';
import { loadAgentConfig } from '../../agent/config.js';
import { envSignIns } from './sign-ins.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { freePort } from './free-port.js';
import { startTestServer, type TestServer } from './server-harness.js';

/**
 * A real, generic OpenID/OAuth authorization server for the `oauth` sign-in kind: `oidc-provider`
 * (a certified OpenID provider library) with the device flow, dynamic client registration, PKCE
 * and resource indicators (JWT access tokens for the MCP server as `aud`, RFC 9068 claims).
 * Its development interactions sign in any login; `approve` walks its real pages, in headless
 * Chromium when given a browser, else as plain HTTP form posts. It ends on the provider's
 * "Sign-in Success" page (device flow) or once the provider sends the browser elsewhere (the
 * client's redirect URI, which it then opens).
 */
export interface TestOidcProvider {
  issuer: string;
  jwksUri: string;
  /** The resource the MCP server is (set once its URL is known); tokens name it only when asked with `resource`. */
  setResource(url: string): void;
  /** Token endpoint requests so far, by grant type. */
  tokenRequests(): Record<string, number>;
  /** How each request to the token and device endpoints authenticated its client, in order. */
  clientAuth(): ClientAuthSeen[];
  /** What clients sent to the dynamic registration endpoint, in order. */
  registrations(): Record<string, unknown>[];
  /** The `scope` of each authorization request so far (device or browser), in order. */
  scopesAsked(): string[];
  /**
   * Approves through the provider's own pages: (device flow) code entry and confirm, then login and
   * consent. `redirect` (form posts only) changes the answer on its way back to the client, as a
   * mix-up attacker would.
   */
  approve(url: string, options?: { login?: string; browser?: Browser | undefined; redirect?: (url: URL) => URL }): Promise<void>;
  close(): Promise<void>;
}

export interface OidcProviderOptions {
  /** false: no device_authorization_endpoint, so clients sign in in a browser (authorization code + PKCE). */
  deviceFlow?: boolean;
  /** Clients registered beforehand (oidc-provider's client metadata: client_id, client_secret, grant_types, …). */
  clients?: Record<string, unknown>[];
  /**
   * Client ID metadata documents by URL: the provider advertises `client_id_metadata_document_supported`
   * and fetches a client's document from its client_id (served from here: the test has no https host).
   */
  clientMetadataDocuments?: Record<string, Record<string, unknown>>;
}

/** One request's client authentication as the provider received it. */
export interface ClientAuthSeen {
  endpoint: 'token' | 'device';
  grant?: string;
  /** Basic: an Authorization header; post: client_secret in the body; none: client_id only. */
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** The client_id it named (from the header for Basic, form-decoded). */
  clientId?: string;
}

function seenAuth(endpoint: ClientAuthSeen['endpoint'], header: string | undefined, form: URLSearchParams): ClientAuthSeen {
  const grant = form.get('grant_type') ?? undefined;
  if (header?.startsWith('Basic ')) {
    const [id = ''] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return { endpoint, ...(grant && { grant }), method: 'client_secret_basic', clientId: decodeURIComponent(id.replace(/\+/g, ' ')) };
  }
  const clientId = form.get('client_id') ?? undefined;
  return { endpoint, ...(grant && { grant }), method: form.has('client_secret') ? 'client_secret_post' : 'none', ...(clientId && { clientId }) };
}

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const { default: Provider } = await import('oidc-provider');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let resource = '';
  const counts: Record<string, number> = {};
  const auths: ClientAuthSeen[] = [];
  const registrations: Record<string, unknown>[] = [];
  const scopes: string[] = [];
  const documents = options.clientMetadataDocuments;
  const provider = new Provider(issuer, {
    ...(options.clients && { clients: options.clients }),
    ...(documents && {
      // The provider fetches a client's document from its client_id URL: served here, anything else as usual.
      fetch: async (url: URL | string, init: RequestInit) => {
        const document = documents[String(url)];
        return document ? new Response(JSON.stringify(document), { status: 200, headers: { 'content-type': 'application/json' } }) : fetch(url, init);
      },
    }),
    features: {
      ...(documents && { clientIdMetadataDocument: { enabled: true, ack: 'draft-02' } }),
      devInteractions: { enabled: true },
      deviceFlow: { enabled: options.deviceFlow ?? true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without an RFC 8707 `resource` the token would be for another audience (the MCP server refuses it).
        defaultResource: () => 'urn:test:no-resource-indicator',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => ({
          scope: indicator === resource ? 'execute' : '',
          audience: indicator,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
        }),
      },
    },
    scopes: ['openid', 'offline_access', 'execute'],
    issueRefreshToken: () => true,
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/auth?')) scopes.push(new URL(req.url, issuer).searchParams.get('scope') ?? '');
    const endpoint =
      req.method !== 'POST'
        ? undefined
        : req.url?.startsWith('/token')
          ? 'token'
          : req.url?.startsWith('/device/auth')
            ? 'device'
            : req.url?.startsWith('/reg')
              ? 'reg'
              : undefined;
    if (endpoint) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (endpoint === 'reg') return void registrations.push(JSON.parse(body) as Record<string, unknown>);
        const form = new URLSearchParams(body);
        auths.push(seenAuth(endpoint, req.headers.authorization, form));
        if (endpoint === 'device') scopes.push(form.get('scope') ?? '');
        if (endpoint !== 'token') return;
        const grant = form.get('grant_type') ?? 'none';
        counts[grant] = (counts[grant] ?? 0) + 1;
      });
    }
    handle(req, res);
  });

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    setResource: (url) => void (resource = url),
    tokenRequests: () => ({ ...counts }),
    clientAuth: () => [...auths],
    registrations: () => [...registrations],
    scopesAsked: () => [...scopes],
    async approve(start, { login = 'alice', browser, redirect = (u: URL) => u } = {}) {
      const origin = new URL(issuer).origin;
      if (browser) {
        const context = await loopbackContext(browser);
        try {
          const page = await context.newPage();
          await page.goto(start);
          for (let step = 0; step < 12; step++) {
            // Each page: (a device code is submitted by the page's own script) confirm, login, consent.
            await page.locator('button[autofocus], button.login-submit, h1:text-is("Sign-in Success"), h1:text-is("Signed in")').first().waitFor();
            if (new URL(page.url()).origin !== origin || (await page.title()) === 'Sign-in Success') return;
            if ((await page.locator('input[name=login]').count()) > 0) {
              await page.fill('input[name=login]', login);
              await page.fill('input[name=password]', 'any');
            }
            const before = page.url();
            await page.locator('button[autofocus], button.login-submit').first().click();
            await page.waitForURL((next) => next.href !== before);
          }
        } finally {
          await context.close();
        }
        throw new Error('oidc-provider approval in Chromium did not finish');
      }
      const jar = new Map<string, string>();
      const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
        const res = await fetch(url, {
          ...init,
          redirect: 'manual',
          headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const cookie of res.headers.getSetCookie()) {
          const pair = cookie.split(';')[0] ?? '';
          const at = pair.indexOf('=');
          jar.set(pair.slice(0, at), pair.slice(at + 1));
        }
        return res;
      };
      let url = start;
      let init: RequestInit = {};
      for (let step = 0; step < 12; step++) {
        const res = await go(url, init);
        if (res.status >= 300 && res.status < 400) {
          url = new URL(res.headers.get('location') ?? '', url).href;
          init = {};
          // Sent back to the client (its loopback redirect): the browser would open it now.
          if (new URL(url).origin !== origin) return void (await fetch(redirect(new URL(url)))).arrayBuffer();
          continue;
        }
        const html = await res.text();
        if (/Sign-in Success/.test(html)) return;
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        if (!action) throw new Error(`oidc-provider page without a form at ${url}: HTTP ${res.status}`);
        // Each page is one form: the code entry (auto-submitted by script in a browser), confirm, login, consent.
        const fields = [...html.matchAll(/<input([^>]*)>/g)].flatMap((m) => {
          const name = /name="([^"]+)"/.exec(m[1] ?? '')?.[1];
          const value = /value="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '';
          return name ? [[name, name === 'login' ? login : name === 'password' ? 'any' : value] as [string, string]] : [];
        });
        url = new URL(action, url).href;
        init = { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      }
      throw new Error(`oidc-provider approval did not finish at ${url}`);
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/**
 * Warden's server in generic OIDC mode trusting `op`'s tokens for its own URL, which `op` names
 * as the resource (RFC 8707): the port is chosen first, so the URL is known before the server starts.
 */
export async function startOidcResourceServer(op: TestOidcProvider): Promise<{ mcp: TestServer; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  op.setResource(url);
  const mcp = await startTestServer({ AUTH_ISSUER: op.issuer, AUTH_JWKS_URI: op.jwksUri, AUTH_AUDIENCE: url, REVERSE_STEP_MS: '0' }, { port });
  return { mcp, url };
}

/** An engine whose one server, `url`, is signed in to with the `oauth` kind (the SDK's discovery, registration and flows); `env` carries its token store. */
export function oauthEngine(url: string, env: Record<string, string>, auth: ServerConfig['auth'] = { kind: 'oauth' }): AgentEngine {
  const config = loadAgentConfig({});
  config.servers = [{ name: 'op', source: { kind: 'flag', file: 'test.json' }, type: 'http', url, headers: {}, auth } as ServerConfig];
  return createAgentEngine(config, { env, signIns: envSignIns(env) });
}
