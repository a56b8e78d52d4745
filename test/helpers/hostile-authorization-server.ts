/**
 * A lying OAuth authorization server for tests (node:http on 127.0.0.1, port 0): its RFC 8414
 * metadata is honest about its issuer, but the links it hands out are the test's choice — a device
 * grant's `verification_uri` / `verification_uri_complete` on another host or with a `file:`
 * scheme, or an authorization endpoint anywhere. The token endpoint never issues a token: it says
 * `authorization_pending` (the sign-in stays on screen) or `access_denied` (it ends at once).
 *
 * Responsible for: being the adversary of issue 21 §6 on loopback. Not responsible for: checking
 * what the client did with the links (the tests do).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileLinks {
  /** With a device endpoint (RFC 8628); without, the client must use the browser flow. */
  device: boolean;
  verificationUri?: string;
  verificationUriComplete?: string;
  /** The `authorization_endpoint` its metadata names (default: its own /authorize). */
  authorizationEndpoint?: string;
  /** What every token request hears (default `authorization_pending`). */
  tokenAnswer?: 'authorization_pending' | 'access_denied';
}

export interface HostileAuthorizationServer {
  /** Its issuer, `http://127.0.0.1:PORT`. */
  issuer: string;
  /** The links of the next answers (change between tests). */
  links: HostileLinks;
  /** How many device codes it handed out. */
  deviceCodes(): number;
  close(): Promise<void>;
}

export async function startHostileAuthorizationServer(links: HostileLinks): Promise<HostileAuthorizationServer> {
  let issued = 0;
  const state = { links };
  const server: Server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    // The body is read (and dropped) before answering, as a real server would.
    req.resume();
    req.on('end', () => {
      const current = state.links;
      if (path === '/.well-known/oauth-authorization-server') {
        return json(200, {
          issuer: origin,
          authorization_endpoint: current.authorizationEndpoint ?? `${origin}/authorize`,
          token_endpoint: `${origin}/token`,
          ...(current.device && { device_authorization_endpoint: `${origin}/device` }),
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token', ...(current.device ? ['urn:ietf:params:oauth:grant-type:device_code'] : [])],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (path === '/device' && req.method === 'POST') {
        issued++;
        return json(200, {
          device_code: `device-${issued}`,
          user_code: 'WDJB-MJHT',
          ...(current.verificationUri !== undefined && { verification_uri: current.verificationUri }),
          ...(current.verificationUriComplete !== undefined && { verification_uri_complete: current.verificationUriComplete }),
          expires_in: 600,
          interval: current.tokenAnswer === 'access_denied' ? 0 : 1,
        });
      }
      if (path === '/token' && req.method === 'POST') return json(400, { error: current.tokenAnswer ?? 'authorization_pending' });
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get links() {
      return state.links;
    },
    set links(next: HostileLinks) {
      state.links = next;
    },
    deviceCodes: () => issued,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
