import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { rootCause } from '../../config/error-text.js';
import { safeLine } from '../../config/terminal-text.js';
import { startNwsTrace } from '../observe/tracing.js';
import { NwsError } from './errors.js';
import { alertsResponse, forecastResponse, pointResponse, problem, type Alert, type ForecastPeriod } from './schemas.js';

export interface NwsClientOptions {
  baseUrl: string;
  userAgent: string;
  /** Per attempt, body included. */
  timeoutMs: number;
  /** Pause before the one retry after a 5xx or a network error. */
  retryDelayMs: number;
  fetch?: typeof fetch;
  /** Told about every HTTP request to NWS (each hop and retry): its outcome (`ok`, or what failed) and duration. */
  onRequest?: (outcome: string, seconds: number) => void;
}

/** Hops followed per request; NWS itself needs one (a /points with too many decimals). */
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface Forecast {
  /** "Hoboken, NJ" when NWS names a nearby place. */
  place?: string;
  periods: ForecastPeriod[];
}

export interface NwsClient {
  activeAlerts(area: string, signal?: AbortSignal): Promise<Alert[]>;
  /** `/points/{lat},{lon}`, then the `forecast` link it returns. */
  forecast(latitude: number, longitude: number, signal?: AbortSignal): Promise<Forecast>;
}

/** NWS answers /points with a 301 for more than 4 decimals; asking with 4 saves the round trip. */
export function pointPath(latitude: number, longitude: number): string {
  const fmt = (n: number) => String(Number(n.toFixed(4)));
  return `/points/${fmt(latitude)},${fmt(longitude)}`;
}

export function createNwsClient(options: NwsClientOptions): NwsClient {
  const fetchImpl = options.fetch ?? fetch;
  const base = new URL(options.baseUrl);
  const host = base.host;

  async function getJson<S extends z.ZodType>(url: URL, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const failed = (error: unknown): NwsError => {
        if (signal?.aborted) return new NwsError('cancelled', 'the request was cancelled');
        if (timeout.aborted) return new NwsError('timeout', `NWS (${host}) did not answer within ${seconds(options.timeoutMs)}`);
        return new NwsError('network', `cannot reach NWS at ${host} (${rootCause(error)})`);
      };
      let response: Response;
      let body: string;
      try {
        response = await fetchOnNws(url, combined);
        body = await response.text();
      } catch (error) {
        if (error instanceof NwsError) throw error;
        const nwsError = failed(error);
        if (nwsError.kind === 'network' && attempt === 1) {
          await pause(options.retryDelayMs, signal);
          continue;
        }
        throw nwsError;
      }
      if (response.status >= 500 && attempt === 1) {
        await pause(options.retryDelayMs, signal);
        continue;
      }
      if (!response.ok) throw statusError(response.status, body, attempt);
      return parse(body, schema);
    }
  }

  /**
   * Follows redirects by hand so every hop is checked: only to the configured NWS origin, at
   * most MAX_REDIRECTS times. A body from anywhere else is never read, so it cannot reach a
   * tool result; the error names the NWS host, not where it pointed.
   */
  async function fetchOnNws(start: URL, signal: AbortSignal): Promise<Response> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const response = await observedFetch(url, signal);
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      await response.body?.cancel();
      const location = response.headers.get('location');
      const next = location === null ? undefined : resolve(location, url);
      if (!next || next.origin !== base.origin) {
        throw new NwsError('redirect', `NWS (${host}) redirected the request away from ${host}; it was not followed`, response.status);
      }
      if (hop === MAX_REDIRECTS) throw new NwsError('redirect', `NWS (${host}) redirected the request more than ${MAX_REDIRECTS} times`, response.status);
      url = next;
    }
  }

  /** One request to NWS, timed for metrics and traced (the span ends when the headers are in). */
  async function observedFetch(url: URL, signal: AbortSignal): Promise<Response> {
    const started = performance.now();
    const span = startNwsTrace(url);
    const report = (outcome: string, status?: number): void => {
      options.onRequest?.(outcome, (performance.now() - started) / 1000);
      span?.end(status, outcome === 'ok' ? undefined : outcome);
    };
    try {
      const response = await fetchImpl(url, { headers: { 'User-Agent': options.userAgent, Accept: 'application/geo+json' }, redirect: 'manual', signal });
      report(response.status < 400 ? 'ok' : response.status >= 500 ? 'http_5xx' : 'http_4xx', response.status);
      return response;
    } catch (error) {
      report(signal.aborted ? 'aborted' : 'network');
      throw error;
    }
  }

  return {
    async activeAlerts(area, signal) {
      const url = new URL('/alerts/active', base);
      url.searchParams.set('area', area);
      return (await getJson(url, alertsResponse, signal)).features.map((f) => f.properties);
    },
    async forecast(latitude, longitude, signal) {
      const point = await getJson(new URL(pointPath(latitude, longitude), base), pointResponse, signal);
      const link = point.properties.forecast;
      if (!link) throw new NwsError('not-found', 'NWS has no forecast for this point');
      const forecastUrl = new URL(link);
      // The link comes from the response: only follow it to NWS itself, never elsewhere.
      if (forecastUrl.origin !== base.origin) throw new NwsError('malformed', `NWS pointed the forecast at another host (${forecastUrl.host})`);
      const forecast = await getJson(forecastUrl, forecastResponse, signal);
      const place = point.properties.relativeLocation?.properties;
      return { ...(place && { place: `${place.city}, ${place.state}` }), periods: forecast.properties.periods };
    },
  };
}

function resolve(location: string, from: URL): URL | undefined {
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch {
    throw new NwsError('cancelled', 'the request was cancelled');
  }
}

function parse<S extends z.ZodType>(body: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new NwsError('malformed', 'NWS sent a response that is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new NwsError('malformed', `NWS sent an unexpected response (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`);
  }
  return result.data;
}

function statusError(status: number, body: string, attempts: number): NwsError {
  let detail: string | undefined;
  try {
    const p = problem.safeParse(JSON.parse(body));
    // Outside text on its way into a tool result: one line, no terminal controls.
    if (p.success) detail = safeLine(p.data.detail ?? p.data.title ?? '', 300) || undefined;
  } catch {
    // Not problem+json; the status says enough.
  }
  const suffix = detail ? `: ${detail}` : '';
  if (status === 404) return new NwsError('not-found', `NWS has no data for this request (HTTP 404${suffix})`, status);
  if (status === 400) return new NwsError('bad-request', `NWS rejected the request (HTTP 400${suffix})`, status);
  if (status >= 500) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return new NwsError('unavailable', `NWS is unavailable (HTTP ${status}${tries}); try again later`, status);
  }
  return new NwsError('http', `NWS answered HTTP ${status}${suffix}`, status);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
