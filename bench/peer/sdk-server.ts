/**
 * The bare SDK server: MCP SDK v2 as its documentation shows it (McpServer, createMcpHandler,
 * toNodeHandler on node:http; stateless, no auth, no log) with one tool, `reverse(text)`, that
 * reports `--steps` progress notifications `--step-ms` apart (0: none between) and answers with
 * the reversed text, worded as Warden's. Two benchmarks use it:
 * - server-throughput, with 5 steps and no pause: the same call answered the same way with nothing
 *   of Warden's, i.e. what the SDK itself allows; Warden / this is what Warden's own layers cost;
 * - progress-fanout, with 40 steps 50 ms apart: 16 calls that keep reporting for 2 s, the sustained
 *   storm the TUI is measured under (Warden's own reverse always ends after 5 steps).
 * A benchmark peer only: it serves nothing else.
 *
 * Run: node dist/bench/peer/sdk-server.js [--port 0] [--steps 40] [--step-ms 50];
 * prints `sdk peer: listening on http://127.0.0.1:PORT/mcp`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, steps: { type: 'string', default: '40' }, 'step-ms': { type: 'string', default: '50' } } });
const steps = Number(values.steps);
const stepMs = Number(values['step-ms']);

function createPeer(): McpServer {
  const server = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
  server.registerTool(
    'reverse',
    { description: `Reverses text, reporting progress in ${steps} steps ${stepMs} ms apart.`, inputSchema: z.object({ text: z.string() }) },
    async ({ text }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        if (stepMs > 0) await delay(stepMs, undefined, { signal: ctx.mcpReq.signal });
        if (progressToken === undefined) continue;
        const message = `Step ${step} of ${steps}: reversed ${Math.round((text.length * step) / steps)} of ${text.length} characters`;
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: step, total: steps, message } });
      }
      return { content: [{ type: 'text', text: [...text].reverse().join('') }] };
    },
  );
  return server;
}

const handler = createMcpHandler(createPeer);
const mcp = toNodeHandler(handler);
const server = createServer((req, res) => {
  if ((req.url ?? '/').split('?')[0] === '/mcp') return void mcp(req, res);
  res.writeHead(404).end();
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`sdk peer: listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
process.on('SIGTERM', () => {
  void handler.close().finally(() => server.close(() => process.exit(0)).closeAllConnections());
});
