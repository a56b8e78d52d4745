/**
 * Carries the agent's trace to MCP servers, W3C Trace Context both ways MCP allows: the
 * `traceparent` (and `tracestate`) header on every HTTP request of the transport, and the same
 * in a request's `_meta` (SEP-414, for servers and proxies that read only the message). While
 * tracing is off, both hand back nothing and change nothing.
 */
import type { FetchLike } from '@modelcontextprotocol/client';
import { tracingApi } from '../../../config/telemetry.js';

/** The active trace as carrier fields (`traceparent`, maybe `tracestate`); undefined outside a trace or with tracing off. */
export function traceCarrier(): Record<string, string> | undefined {
  const api = tracingApi();
  if (!api) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** A fetch that adds the active trace's headers to each request; `inner` itself while tracing is off. */
export function tracingFetch(inner: FetchLike | undefined): FetchLike | undefined {
  if (!tracingApi()) return inner;
  const send = inner ?? fetch;
  return (url, init) => {
    const carrier = traceCarrier();
    if (!carrier) return send(url, init);
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(carrier)) headers.set(name, value);
    return send(url, { ...init, headers });
  };
}
