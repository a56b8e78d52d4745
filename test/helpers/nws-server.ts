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
  /** Path (pathname) -> Location: answered with a 302 there, before anything else. */
  redirects?: Record<string, string>;
  /** Appended to the alerts' and forecast's texts (event, headline, description, place, period names and text) and to error `detail`s. */
  hostileText?: string;
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
    const location = faults.redirects?.[url.pathname];
    if (location !== undefined) {
      res.writeHead(302, { Location: location }).end();
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
      if (faults.hostileText !== undefined) body = withHostileText(body, faults.hostileText);
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

/** The fixture with `extra` appended to every text field a tool puts in its result. */
function withHostileText(body: string, extra: string): string {
  const json = JSON.parse(body) as {
    features?: { properties: Record<string, unknown> }[];
    properties?: { periods?: Record<string, unknown>[]; relativeLocation?: { properties: Record<string, unknown> } };
    detail?: string;
  };
  if (typeof json.detail === 'string') json.detail += extra;
  const append = (record: Record<string, unknown> | undefined, keys: string[]): void => {
    for (const key of keys) if (record && typeof record[key] === 'string') record[key] += extra;
  };
  for (const feature of json.features ?? []) append(feature.properties, ['event', 'headline', 'description', 'instruction', 'areaDesc']);
  for (const period of json.properties?.periods ?? []) append(period, ['name', 'detailedForecast', 'windSpeed']);
  append(json.properties?.relativeLocation?.properties, ['city']);
  return JSON.stringify(json);
}

export interface InternalService {
  url: string;
  /** Paths asked for, so a test can tell whether anything reached it. */
  requests: string[];
  close(): Promise<void>;
}

/** Text the internal service puts in every answer; it must never reach a tool result. */
export const INTERNAL_SECRET = 'internal-secret-7f3a';

/**
 * A service on loopback that NWS must never lead Warden to: every path answers with NWS-shaped
 * JSON carrying INTERNAL_SECRET (200 for /ok/..., 404 problem+json with it as `detail` otherwise).
 */
export async function startInternalService(): Promise<InternalService> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    if (req.url?.startsWith('/ok/')) {
      const period = { name: INTERNAL_SECRET, detailedForecast: INTERNAL_SECRET };
      const body = { features: [{ properties: { event: INTERNAL_SECRET } }], properties: { periods: [period], forecast: null } };
      res.writeHead(200, { 'Content-Type': 'application/geo+json' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/problem+json' }).end(JSON.stringify({ title: INTERNAL_SECRET, detail: INTERNAL_SECRET }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
