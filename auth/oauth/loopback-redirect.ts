import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback redirect of a browser sign-in (RFC 8252 §7.3): a one-shot HTTP listener on
 * 127.0.0.1 at a port the system picks, receiving the authorization server's redirect with
 * `code`, `state` and `iss` (or `error`). It answers the browser with a short page and stops.
 * Not responsible for the authorization request, PKCE or redeeming the code.
 */

export interface AuthorizationResponse {
  code: string;
  /** RFC 9207: the issuer that sent the browser back, when the server says. */
  iss?: string;
}

/** The browser came back with an error, or not at all. */
export class LoopbackRedirectError extends Error {
  override readonly name = 'LoopbackRedirectError';
  constructor(
    readonly code: 'cancelled' | 'access_denied' | 'server_error' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback` */
  readonly redirectUri: string;
  /** Resolves with the code once the browser comes back with the expected `state` (others are refused); the listener is closed then. */
  response(state: string, options: { signal?: AbortSignal; timeoutMs: number }): Promise<AuthorizationResponse>;
  close(): Promise<void>;
}

const PATH = '/callback';
/** The query may carry a long `error_description`; the rest of the request is ignored. */
const MAX_DESCRIPTION = 200;

const page = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif"><h1>${title}</h1><p>${text}</p></body>`;

/** Keeps the authorization server's words out of HTML markup and the terminal. */
const plain = (text: string): string =>
  text
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/[<>&"]/g, '')
    .slice(0, MAX_DESCRIPTION);

export async function startLoopbackRedirect(): Promise<LoopbackRedirect> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
  const close = (): Promise<void> => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));

  return {
    redirectUri,
    close,
    response(state, { signal, timeoutMs }) {
      return new Promise<AuthorizationResponse>((resolve, reject) => {
        const timer = setTimeout(() => finish(new LoopbackRedirectError('expired', 'the browser did not come back in time; sign in again')), timeoutMs);
        const onAbort = (): void => finish(new LoopbackRedirectError('cancelled', 'sign-in was cancelled'));
        signal?.addEventListener('abort', onAbort, { once: true });
        function finish(result: AuthorizationResponse | LoopbackRedirectError): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          server.removeAllListeners('request');
          void close();
          if (result instanceof LoopbackRedirectError) reject(result);
          else resolve(result);
        }
        if (signal?.aborted) return onAbort();
        server.on('request', (req, res) => {
          const url = new URL(req.url ?? '/', redirectUri);
          // Browsers also ask for /favicon.ico and the like: only the redirect counts.
          if (url.pathname !== PATH) return void res.writeHead(404).end();
          const q = url.searchParams;
          const error = q.get('error');
          const send = (status: number, title: string, text: string): void =>
            void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(title, text));
          // A redirect without our state is not the answer to our request (CSRF, RFC 6749 §10.12):
          // refused, and the sign-in goes on waiting (a stray request must not end it).
          if (q.get('state') !== state) return send(400, 'Sign-in not recognised', 'This answer does not belong to the sign-in Warden started.');
          if (error) {
            const description = plain(q.get('error_description') ?? '');
            send(200, 'Sign-in not completed', `${plain(error)}${description ? `: ${description}` : ''}. You can close this tab.`);
            return finish(new LoopbackRedirectError(error === 'access_denied' ? 'access_denied' : 'server_error', `${plain(error)}${description ? ` (${description})` : ''}`));
          }
          const code = q.get('code');
          if (!code) {
            send(400, 'Sign-in not completed', 'The answer carried no authorization code.');
            return finish(new LoopbackRedirectError('server_error', 'the authorization server sent no code'));
          }
          send(200, 'Signed in', 'Warden has the sign-in. You can close this tab and go back to the terminal.');
          const iss = q.get('iss');
          finish({ code, ...(iss !== null && { iss }) });
        });
      });
    },
  };
}
