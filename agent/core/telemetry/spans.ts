/**
 * The agent's spans (OpenTelemetry API only; the SDK is started by the CLI when the OTEL_*
 * variables ask for it, config/telemetry.ts): a turn; each model request with the GenAI semantic
 * conventions (model, input/output/cache tokens, finish reason); each MCP tool call (server, tool,
 * status, duration, progress notifications as span events); sign-in. Each wrapper hands back what
 * it was given, untouched, while tracing is off, so an untraced chat pays nothing.
 * Never records prompts, arguments, results or tokens: names, counts and outcomes only.
 * Not responsible for carrying the trace to MCP servers (propagation.ts).
 */
import type { Span } from '@opentelemetry/api';
import { tracingApi } from '../../../config/telemetry.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { AuthState, TurnResult, TurnUsage } from '../engine-types.js';
import type { ToolRouter } from '../host/tool-router.js';
import { type ChatModel, type ModelRequest, modelName } from '../model/types.js';

/** The API while tracing is on, with this module's tracer. */
function otel() {
  const api = tracingApi();
  return api && { api, tracer: api.trace.getTracer('warden-agent') };
}

type Otel = NonNullable<ReturnType<typeof otel>>;

const inSpan = <T>({ api }: Otel, span: Span, run: () => Promise<T>): Promise<T> => api.context.with(api.trace.setSpan(api.context.active(), span), run);

function failed({ api }: Otel, span: Span, error: unknown): never {
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: safeLine(error instanceof Error ? error.message : String(error), 200) });
  span.end();
  throw error;
}

/** GenAI token counts: input counts every input token, cached ones included (the conventions' definition), and the cache's share separately. */
function usageAttributes(usage: TurnUsage): Record<string, number> {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheCreation = usage.cacheCreationInputTokens ?? 0;
  return {
    'gen_ai.usage.input_tokens': usage.inputTokens + cacheRead + cacheCreation,
    'gen_ai.usage.output_tokens': usage.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': cacheRead,
    'gen_ai.usage.cache_creation.input_tokens': cacheCreation,
  };
}

/** One user turn as a span; everything the turn does (model requests, tool calls, sign-in) happens under it. */
export function traceTurn(model: string, run: () => Promise<TurnResult>): Promise<TurnResult> {
  const o = otel();
  if (!o) return run();
  const span = o.tracer.startSpan('warden turn', { kind: o.api.SpanKind.INTERNAL, attributes: { 'gen_ai.request.model': model } });
  return inSpan(o, span, run).then(
    (result) => {
      span.setAttributes({ 'warden.turn.stop_reason': result.stopReason, 'warden.turn.tool_calls': result.callIds.length, ...usageAttributes(result.usage) });
      if (result.stopReason === 'error') span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: safeLine(result.error ?? 'error', 200) });
      span.end();
      return result;
    },
    (error: unknown) => failed(o, span, error),
  );
}

/** The model with a span per request (`chat <model>`, GenAI conventions); the model itself while tracing is off. */
export function tracedModel(model: ChatModel): ChatModel {
  const o = otel();
  if (!o) return model;
  const name = modelName(model);
  const provider = model.info.kind === 'claude' ? 'anthropic' : 'warden.demo';
  return {
    info: model.info,
    respond(request: ModelRequest) {
      const span = o.tracer.startSpan(`chat ${name}`, {
        kind: o.api.SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': provider,
          'gen_ai.system': provider,
          'gen_ai.request.model': name,
          'warden.request.tools': request.tools.length,
        },
      });
      // A retry after a rate limit or an overload is announced to the user; the span records it too.
      const onNotice = (notice: string): void => {
        span.addEvent('notice', { message: safeLine(notice, 200) });
        request.onNotice(notice);
      };
      return inSpan(o, span, () => model.respond({ ...request, onNotice })).then(
        (response) => {
          span.setAttributes({ 'gen_ai.response.model': name, 'gen_ai.response.finish_reasons': [response.stopReason], ...usageAttributes(response.usage) });
          span.end();
          return response;
        },
        (error: unknown) => failed(o, span, error),
      );
    },
  };
}

type ToolCaller = ToolRouter;

/** The tools with a span per MCP call (`tools/call <tool>`), progress as span events; the tools themselves while tracing is off. */
export function tracedTools(tools: ToolCaller): ToolCaller {
  const o = otel();
  if (!o) return tools;
  return {
    prefixNames: tools.prefixNames,
    prepare: (options) => tools.prepare(options),
    resourceReader: (server) => tools.resourceReader(server),
    callTool(tool, input, options) {
      const started = performance.now();
      const span = o.tracer.startSpan(`tools/call ${tool.tool}`, {
        kind: o.api.SpanKind.CLIENT,
        attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool.tool, 'warden.mcp.server': tool.server },
      });
      const onprogress: typeof options.onprogress = (p) => {
        span.addEvent('progress', {
          'mcp.progress': p.progress,
          ...(p.total !== undefined && { 'mcp.progress.total': p.total }),
          ...(p.message !== undefined && { 'mcp.progress.message': safeLine(p.message, 200) }),
        });
        options.onprogress?.(p);
      };
      const end = (status: string): void => {
        span.setAttributes({ 'warden.tool.status': status, 'warden.tool.duration_ms': Math.round(performance.now() - started) });
        if (status !== 'ok') span.setStatus({ code: o.api.SpanStatusCode.ERROR, message: status });
        span.end();
      };
      return inSpan(o, span, () => tools.callTool(tool, input, { ...options, onprogress })).then(
        (result) => {
          end(result.isError ? 'error' : 'ok');
          return result;
        },
        (error: unknown) => {
          span.recordException({ name: 'McpCallError', message: safeLine(error instanceof Error ? error.message : String(error), 200) });
          end(options.signal?.aborted ? 'cancelled' : 'failed');
          throw error;
        },
      );
    },
  };
}

/**
 * A server's sign-in states as spans: an interactive sign-in (device code, browser) is one span from
 * `signing-in` to its outcome; a silent one (a cached or refreshed token) a short span of its own.
 * Returns `onState` itself while tracing is off.
 */
export function tracedSignIn(server: string, kind: string, onState: (state: AuthState) => void): (state: AuthState) => void {
  const o = otel();
  if (!o) return onState;
  let interactive: Span | undefined;
  let signedIn = false;
  const attributes = { 'warden.mcp.server': server, 'warden.sign_in.kind': kind };
  return (state) => {
    if (state.state === 'signing-in' && !interactive) interactive = o.tracer.startSpan('sign-in', { attributes: { ...attributes, 'warden.sign_in.mode': 'interactive' } });
    else if (state.state !== 'signing-in') {
      if (interactive) {
        interactive.setAttribute('warden.sign_in.result', state.state);
        if (state.state !== 'signed-in') interactive.setStatus({ code: o.api.SpanStatusCode.ERROR, message: state.state });
        interactive.end();
        interactive = undefined;
      } else if (state.state === 'signed-in' && !signedIn) {
        o.tracer.startSpan('sign-in', { attributes: { ...attributes, 'warden.sign_in.mode': 'silent', 'warden.sign_in.result': 'signed-in' } }).end();
      }
      signedIn = state.state === 'signed-in';
    }
    onState(state);
  };
}
