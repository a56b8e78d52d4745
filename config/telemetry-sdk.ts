/**
 * The OpenTelemetry SDK, loaded only when tracing is on (config/telemetry.ts decides): a Node
 * tracer provider (AsyncLocalStorage context, W3C traceparent propagation), a batch processor and
 * the OTLP exporter the environment names. The exporter and the sampler read the rest of the
 * standard variables (endpoint, headers, timeout, OTEL_TRACES_SAMPLER) themselves.
 */
import { context, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/** Where spans go: OTLP (the protocol OTEL_EXPORTER_OTLP_PROTOCOL names) or the console. */
export type TraceExport = { kind: 'otlp'; protocol: 'http/protobuf' | 'http/json' } | { kind: 'console' };

export interface TracingOptions {
  serviceName: string;
  export?: TraceExport;
  /** Where the SDK's errors go (one line each). */
  report(message: string): void;
  /** Tests: this exporter, each span handed over as it ends. */
  exporter?: SpanExporter;
}

export async function startTracing(options: TracingOptions): Promise<{ shutdown(): Promise<void> }> {
  // The SDK's own errors (an unreachable collector) go where the caller says: a TUI must not get stray stderr lines.
  const report = options.report;
  diag.setLogger({ error: (m) => report(String(m)), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES only: the process detector would record the command line, a prompt included.
  const detected = detectResources({ detectors: [envDetector] });
  const resource = resourceFromAttributes({ 'service.name': options.serviceName }).merge(detected);
  const processor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(exporterFor(options.export));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      // Unregistered, so the API is a no-op again (and a later start in the same process can register anew).
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function exporterFor(wanted: TraceExport | undefined): SpanExporter {
  if (wanted?.kind === 'console') return new ConsoleSpanExporter();
  return wanted?.protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
}
