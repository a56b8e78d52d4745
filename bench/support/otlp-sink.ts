import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in OpenTelemetry collector on 127.0.0.1:0: takes OTLP/HTTP exports (any encoding), counts them, keeps nothing. */
export interface OtlpSink {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for a process exporting here. */
  endpoint: string;
  exports(): number;
  bytes(): number;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'Content-Type': req.headers['content-type'] ?? 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => exports,
    bytes: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
