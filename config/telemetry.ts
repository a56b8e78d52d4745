/**
 * Whether OpenTelemetry tracing is on, and starting it. Off unless the standard OTEL_* variables
 * ask for it (an OTLP endpoint, or OTEL_TRACES_EXPORTER): then the SDK and its exporter are
 * loaded (telemetry-sdk.ts, a dynamic import), so a process without them never pays for either.
 * Code everywhere else uses only `@opentelemetry/api`, handed out by `tracingApi()` once tracing
 * started (undefined before), so hot paths skip even building their spans and an untraced process
 * never loads the API either.
 *
 * The variables are read from the process environment only, as every OTel SDK reads them: a
 * project's `.env` never chooses where telemetry (and any collector credentials in
 * OTEL_EXPORTER_OTLP_HEADERS) goes.
 * Not responsible for what is traced (the agent's and the server's own modules decide that).
 */
import type * as OtelApi from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ConfigError } from './errors.js';
import type { Env } from './load.js';
import type { TraceExport } from './telemetry-sdk.js';

export type { TraceExport } from './telemetry-sdk.js';

export interface Telemetry {
  /** Sends what is buffered and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

/** The OpenTelemetry API, once tracing started: loaded with the SDK, so an untraced process never loads either. */
let api: typeof OtelApi | undefined;

/** True once a tracer provider was started here: spans are worth building. */
export function tracingActive(): boolean {
  return api !== undefined;
}

/** The OpenTelemetry API while tracing is on; undefined (nothing to trace with) while it is off. */
export function tracingApi(): typeof OtelApi | undefined {
  return api;
}

/** The active span's trace and span IDs, for log lines (server and agent alike); undefined outside a span or with tracing off. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = api?.trace.getActiveSpan()?.spanContext();
  return span ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
}

/** What the OTEL_* variables ask for; undefined = tracing off. Throws ConfigError naming a bad variable. */
export function traceExportFromEnv(env: Env): TraceExport | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return undefined;
  if (exporter === 'console') return { kind: 'console' };
  if (exporter !== undefined && exporter !== '' && exporter !== 'otlp') throw new ConfigError(`invalid OTEL_TRACES_EXPORTER: expected otlp, console or none, not "${exporter}"`);
  if (!exporter && !env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') throw new ConfigError(`invalid ${variable}: Warden exports http/protobuf or http/json, not "${protocol}"`);
  return { kind: 'otlp', protocol };
}

export interface StartTelemetryOptions {
  /** `service.name` unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  serviceName: string;
  /** Default: the process environment (see the module comment). */
  env?: Env;
  /** Tests: spans go here (an in-memory exporter), whatever the environment says. */
  exporter?: SpanExporter;
  /** Where the SDK's own errors go (e.g. an unreachable collector), one line each; default stderr. */
  report?: (message: string) => void;
}

/** Starts tracing when the environment (or a test's exporter) asks for it; undefined when it stays off. */
export async function startTelemetry(options: StartTelemetryOptions): Promise<Telemetry | undefined> {
  const env = options.env ?? process.env;
  const wanted = options.exporter ? undefined : traceExportFromEnv(env);
  if (!options.exporter && !wanted) return undefined;
  const { startTracing } = await import('./telemetry-sdk.js');
  const telemetry = await startTracing({
    serviceName: options.serviceName,
    report: options.report ?? ((message) => process.stderr.write(`warden: telemetry: ${message}\n`)),
    ...(wanted && { export: wanted }),
    ...(options.exporter && { exporter: options.exporter }),
  });
  api = await import('@opentelemetry/api');
  return {
    async shutdown() {
      api = undefined;
      await telemetry.shutdown();
    },
  };
}

/** How long the end of a command waits for buffered spans to go out (an unreachable collector must not hold the exit up). */
const FLUSH_WAIT_MS = 2000;

/**
 * Runs a command with tracing on when the environment asks for it, then sends what is buffered.
 * The SDK's errors are held and told once, after the command (a TUI must not get stray lines).
 */
export async function withTelemetry<T>(serviceName: string, stderr: { write(text: string): unknown }, run: () => Promise<T>): Promise<T> {
  let problem: string | undefined;
  const telemetry = await startTelemetry({ serviceName, report: (message) => (problem ??= message) });
  try {
    return await run();
  } finally {
    if (telemetry) {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_WAIT_MS).unref()));
      await Promise.race([telemetry.shutdown().catch((error: unknown) => (problem ??= String(error))), gaveUp]);
      clearTimeout(timer);
      if (problem !== undefined) stderr.write(`warden: telemetry: could not export traces (${problem.split('\n')[0]})\n`);
    }
  }
}
