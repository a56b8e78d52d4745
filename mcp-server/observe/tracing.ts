/**
 * The server's spans (OpenTelemetry API only; the SDK is started by `warden serve` when the
 * OTEL_* variables ask for it): one per HTTP request, continuing the caller's trace from its
 * `traceparent` header; token verification under it (result and reason, never the token); the
 * tool call (the MCP and GenAI conventions' names, progress as span events), continuing the
 * request's `_meta.traceparent` when the header did not carry one; each NWS request.
 * With tracing off every function here returns at once without building anything.
 * Not responsible for metrics (metrics.ts) or log lines (log.ts adds the ids it finds here).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Link, Span } from '@opentelemetry/api';
import { tracingApi } from '../../config/telemetry.js';
import { safeLine } from '../../config/terminal-text.js';

/** The API while tracing is on, with this module's tracer. */
function otel() {
  const api = tracingApi();
  return api && { api, tracer: api.trace.getTracer('warden-server') };
}

type Otel = NonNullable<ReturnType<typeof otel>>;

/** A request's span and the context its work runs in. */
export interface RequestTrace {
  span: Span;
  context: Context;
  otel: Otel;
}

/** Starts the span of one HTTP request under the caller's `traceparent`; undefined when tracing is off. */
export function startRequestTrace(req: IncomingMessage, path: string): RequestTrace | undefined {
  const o = otel();
  if (!o) return undefined;
  const parent = o.api.propagation.extract(o.api.ROOT_CONTEXT, req.headers);
  const span = o.tracer.startSpan(
    `${req.method ?? 'GET'} ${path}`,
    { kind: o.api.SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path, 'network.protocol.version': req.httpVersion } },
    parent,
  );
  return { span, context: o.api.trace.setSpan(parent, span), otel: o };
}

/** Ends a request's span with what its log line says (JSON-RPC method, tool, status). */
export function endRequestTrace(t: RequestTrace, status: number, fields: { rpc?: string | undefined; tool?: string | undefined; outcome?: string | undefined }): void {
  t.span.setAttribute('http.response.status_code', status);
  if (fields.rpc !== undefined) t.span.setAttribute('mcp.method.name', fields.rpc);
  if (fields.tool !== undefined) t.span.setAttribute('gen_ai.tool.name', fields.tool);
  if (fields.outcome !== undefined) t.span.setAttribute('warden.outcome', fields.outcome);
  if (status >= 500) t.span.setStatus({ code: t.otel.api.SpanStatusCode.ERROR });
  t.span.end();
}

/** Times the bearer check of a request; `done` records its result and, on refusal, the reason (never the token). */
export function traceTokenCheck(t: RequestTrace | undefined): { done(result: 'ok' | 'refused', reason?: string): void } | undefined {
  if (!t) return undefined;
  const span = t.otel.tracer.startSpan('verify token', { kind: t.otel.api.SpanKind.INTERNAL }, t.context);
  return {
    done(result, reason) {
      span.setAttribute('warden.auth.result', result);
      if (reason !== undefined) span.setAttribute('warden.auth.reason', safeLine(reason, 200));
      if (result === 'refused') span.setStatus({ code: t.otel.api.SpanStatusCode.ERROR, message: 'token refused' });
      span.end();
    },
  };
}

/** Runs `work` with the request's span active, so everything under it (the tool, NWS) becomes its child. */
export function inRequestContext<T>(t: RequestTrace | undefined, work: () => T): T {
  return t ? t.otel.api.context.with(t.context, work) : work();
}

/** A tool call's span; `progress` adds a span event per progress notification. */
export interface ToolTrace {
  progress(progress: number, total: number | undefined, message: string | undefined): void;
  end(outcome: 'ok' | 'error' | 'cancelled'): void;
  /** Runs `work` with this span active (NWS requests become its children). */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Starts the span of a tool call under the request's span; when the request's HTTP headers carried
 * no trace but its `_meta` does (a client that propagates only there), under that one, linked to the request.
 */
export function startToolTrace(tool: string, meta: Record<string, unknown> | undefined): ToolTrace | undefined {
  const o = otel();
  if (!o) return undefined;
  const active = o.api.context.active();
  const request = o.api.trace.getSpan(active);
  let parent = active;
  const links: Link[] = [];
  if (typeof meta?.traceparent === 'string') {
    const fromMeta = o.api.propagation.extract(o.api.ROOT_CONTEXT, meta);
    const metaSpan = o.api.trace.getSpanContext(fromMeta);
    if (metaSpan && metaSpan.traceId !== request?.spanContext().traceId) {
      parent = fromMeta;
      if (request) links.push({ context: request.spanContext() });
    }
  }
  const span = o.tracer.startSpan(
    `tools/call ${tool}`,
    { kind: o.api.SpanKind.INTERNAL, links, attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool } },
    parent,
  );
  const spanContext = o.api.trace.setSpan(parent, span);
  return {
    progress(progress, total, message) {
      span.addEvent('progress', {
        'mcp.progress': progress,
        ...(total !== undefined && { 'mcp.progress.total': total }),
        ...(message !== undefined && { 'mcp.progress.message': safeLine(message, 200) }),
      });
    },
    end(outcome) {
      span.setAttribute('warden.tool.outcome', outcome);
      if (outcome !== 'ok') span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
    run: (work) => o.api.context.with(spanContext, work),
  };
}

/** A span for one outgoing NWS request (a child of the tool's span); undefined when tracing is off. */
export function startNwsTrace(url: URL): { end(status: number | undefined, error?: string): void } | undefined {
  const o = otel();
  if (!o) return undefined;
  const span = o.tracer.startSpan('GET', {
    kind: o.api.SpanKind.CLIENT,
    attributes: { 'http.request.method': 'GET', 'server.address': url.hostname, 'url.full': `${url.origin}${url.pathname}` },
  });
  return {
    end(status, error) {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (error !== undefined) {
        span.setAttribute('error.type', error);
        span.setStatus({ code: o.api.SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}
