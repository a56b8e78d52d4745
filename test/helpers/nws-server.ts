import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../fixtures/nws/', import.meta.url);

export interface NwsRequest {
  path: string;
  userAgent?: string;
  accept?: string;
}

/** Misbehaviours to switch on; each applies to every matching request until changed. */
export interface NwsFaults {
  /** Answer the next N requests with this 5xx status. */
  fail5xx?: { status: number; times: number };
  /** Hold every response this long (ms) before answering. */
  delayMs?: number;
  /** Answer with a 301 to the same resource under /moved first. */
  redirect?: boolean;
  /** 'json': a truncated body; 'shape': valid JSON that is not the documented shape. */
  malformed?: 'json' | 'shape';
}

export interface NwsServer {
  /** Use as NWS_BASE_URL. */
  url: string;
  requests: NwsRequest[];
  faults: NwsFaults;
  close(): Promise<void>;
}

/**
 * A local NWS look-alike serving the recorded payloads in test/fixtures/nws, with links
 * rewritten to itself so the client follows them here.
 */
export async function startNwsServer(): Promise<NwsServer> {
  const requests: NwsRequest[] = [];
  const faults: NwsFaults = {};
  const pending = new Set<NodeJS.Timeout>();
  let origin = '';
  const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8').replaceAll('https://api.weather.gov', origin);

  const respond = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', origin);
    requests.push({
      path: url.pathname + url.search,
      ...(req.headers['user-agent'] !== undefined && { userAgent: req.headers['user-agent'] }),
      ...(req.headers.accept !== undefined && { accept: req.headers.accept }),
    });
    if (faults.fail5xx && faults.fail5xx.times > 0) {
      faults.fail5xx.times--;
      res.writeHead(faults.fail5xx.status, { 'Content-Type': 'application/problem+json' }).end('{"title":"Unexpected Problem"}');
      return;
    }
    if (faults.redirect && !url.pathname.startsWith('/moved/')) {
      res.writeHead(301, { Location: `/moved${url.pathname}${url.search}` }).end();
      return;
    }
    const path = url.pathname.replace(/^\/moved/, '');
    const send = (status: number, body: string, type = 'application/geo+json'): void => {
      if (faults.malformed === 'json' && status === 200) body = body.slice(0, body.length / 2);
      if (faults.malformed === 'shape' && status === 200) body = '{"type":"Feature","properties":{"unexpected":true}}';
      res.writeHead(status, { 'Content-Type': type }).end(body);
    };
    if (path === '/alerts/active') {
      const area = url.searchParams.get('area');
      if (area === 'CA') return send(200, fixture('alerts-active-area-CA.json'));
      if (area && /^[A-Z]{2}$/.test(area) && area !== 'XX') return send(200, fixture('alerts-active-area-WY.json'));
      return send(400, fixture('error-alerts-bad-area.json'), 'application/problem+json');
    }
    if (path === '/points/40.7127,-74.006') return send(200, fixture('points-40.7127,-74.006.json'));
    if (path.startsWith('/points/')) return send(404, fixture('error-points-outside-us.json'), 'application/problem+json');
    if (path === '/gridpoints/OKX/33,35/forecast') return send(200, fixture('gridpoints-OKX-33,35-forecast.json'));
    send(404, '{"title":"Not Found"}', 'application/problem+json');
  };

  const server = createServer((req, res) => {
    if (!faults.delayMs) return respond(req, res);
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!res.destroyed) respond(req, res);
    }, faults.delayMs);
    pending.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    faults,
    close: () =>
      new Promise((resolve) => {
        pending.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
