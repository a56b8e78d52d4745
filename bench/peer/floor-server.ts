/**
 * The floor: a bare `node:http` server that answers the benchmark's `tools/call reverse` the way
 * Warden does on the wire (an SSE stream of 5 progress notifications, each its own write, then the
 * result), with no SDK, no validation, no auth and no log. What Node itself allows for this call
 * on this machine; it is a yardstick for the benchmarks only and serves nothing else.
 *
 * Run: node dist/bench/peer/floor-server.js [--port 0]; prints `listening on http://127.0.0.1:PORT/mcp`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const STEPS = 5;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' };

interface Call {
  id: number | string;
  params: { arguments: { text: string }; _meta?: { progressToken?: number | string } };
}

const frame = (message: unknown): string => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Call;
    const text = call.params.arguments.text;
    const progressToken = call.params._meta?.progressToken;
    res.writeHead(200, SSE_HEADERS);
    for (let step = 1; step <= STEPS; step++) {
      const done = Math.round((text.length * step) / STEPS);
      const message = `Step ${step} of ${STEPS}: reversed ${done} of ${text.length} characters`;
      res.write(frame({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken, progress: step, total: STEPS, message } }));
    }
    const reversed = [...text].reverse().join('');
    res.end(frame({ result: { content: [{ type: 'text', text: reversed }], resultType: 'complete' }, jsonrpc: '2.0', id: call.id }));
  });
});

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`floor: listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
