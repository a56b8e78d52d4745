import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real, generic OpenID/OAuth authorization server for the `oauth` sign-in kind: `oidc-provider`
 * (a certified OpenID provider library) with the device flow, dynamic client registration, PKCE
 * and resource indicators (JWT access tokens for the MCP server as `aud`, RFC 9068 claims).
 * Its development interactions sign in any login; `approve` walks its real pages over HTTP.
 */
export interface TestOidcProvider {
  issuer: string;
  jwksUri: string;
  /** The resource the MCP server is (set once its URL is known); tokens name it only when asked with `resource`. */
  setResource(url: string): void;
  /** Token endpoint requests so far, by grant type. */
  tokenRequests(): Record<string, number>;
  /** Approves a user code through the provider's own pages: code entry, confirm, login, consent. */
  approve(verificationUriComplete: string, login?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const { default: Provider } = await import('oidc-provider');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let resource = '';
  const counts: Record<string, number> = {};
  const provider = new Provider(issuer, {
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Without an RFC 8707 `resource` the token would be for another audience (the MCP server refuses it).
        defaultResource: () => 'urn:test:no-resource-indicator',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => ({ scope: indicator === resource ? 'execute' : '', audience: indicator, accessTokenFormat: 'jwt', accessTokenTTL: 3600 }),
      },
    },
    scopes: ['openid', 'offline_access', 'execute'],
    issueRefreshToken: () => true,
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/token')) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const grant = new URLSearchParams(body).get('grant_type') ?? 'none';
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
    async approve(start, login = 'alice') {
      const jar = new Map<string, string>();
      const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
        const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
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
      throw new Error('oidc-provider approval did not finish');
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
