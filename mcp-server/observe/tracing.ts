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
import { context, type Context, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracingActive } from '../../config/telemetry.js';
import { safeLine } from '../../config/terminal-text.js';

const tracer = trace.getTracer('warden-server');

/** A request's span and the context its work runs in. */
export interface RequestTrace {
  span: Span;
  context: Context;
}

/** Starts the span of one HTTP request under the caller's `traceparent`; undefined when tracing is off. */
export function startRequestTrace(req: IncomingMessage, path: string): RequestTrace | undefined {
  if (!tracingActive()) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(
    `${req.method ?? 'GET'} ${path}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path, 'network.protocol.version': req.httpVersion } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends a request's span with what its log line says (JSON-RPC method, tool, status). */
export function endRequestTrace(t: RequestTrace, status: number, fields: { rpc?: string | undefined; tool?: string | undefined; outcome?: string | undefined }): void {
  t.span.setAttribute('http.response.status_code', status);
  if (fields.rpc !== undefined) t.span.setAttribute('mcp.method.name', fields.rpc);
  if (fields.tool !== undefined) t.span.setAttribute('gen_ai.tool.name', fields.tool);
  if (fields.outcome !== undefined) t.span.setAttribute('warden.outcome', fields.outcome);
  if (status >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR });
  t.span.end();
}

/** Times the bearer check of a request; `done` records its result and, on refusal, the reason (never the token). */
export function traceTokenCheck(t: RequestTrace | undefined): { done(result: 'ok' | 'refused', reason?: string): void } | undefined {
  if (!t) return undefined;
  const span = tracer.startSpan('verify token', { kind: SpanKind.INTERNAL }, t.context);
  return {
    done(result, reason) {
      span.setAttribute('warden.auth.result', result);
      if (reason !== undefined) span.setAttribute('warden.auth.reason', safeLine(reason, 200));
      if (result === 'refused') span.setStatus({ code: SpanStatusCode.ERROR, message: 'token refused' });
      span.end();
    },
  };
}

/** Runs `work` with the request's span active, so everything under it (the tool, NWS) becomes its child. */
export function inRequestContext<T>(t: RequestTrace | undefined, work: () => T): T {
  return t ? context.with(t.context, work) : work();
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
  if (!tracingActive()) return undefined;
  const active = context.active();
  const request = trace.getSpan(active);
  let parent = active;
  const links: Link[] = [];
  if (typeof meta?.traceparent === 'string') {
    const fromMeta = propagation.extract(ROOT_CONTEXT, meta);
    const metaSpan = trace.getSpanContext(fromMeta);
    if (metaSpan && metaSpan.traceId !== request?.spanContext().traceId) {
      parent = fromMeta;
      if (request) links.push({ context: request.spanContext() });
    }
  }
  const span = tracer.startSpan(
    `tools/call ${tool}`,
    { kind: SpanKind.INTERNAL, links, attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool } },
    parent,
  );
  const spanContext = trace.setSpan(parent, span);
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
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
    run: (work) => context.with(spanContext, work),
  };
}

/** A span for one outgoing NWS request (a child of the tool's span); undefined when tracing is off. */
export function startNwsTrace(url: URL): { end(status: number | undefined, error?: string): void } | undefined {
  if (!tracingActive()) return undefined;
  const span = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': 'GET', 'server.address': url.hostname, 'url.full': `${url.origin}${url.pathname}` },
  });
  return {
    end(status, error) {
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (error !== undefined) {
        span.setAttribute('error.type', error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

/** The trace and span ids of the active span, for log lines; undefined when there is none. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  if (!tracingActive()) return undefined;
  const span = trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
}
