/**
 * A progress storm's source: an MCP server (SDK v2, stateless Streamable HTTP, no auth) whose only
 * tool, `reverse(text)`, reports `--steps` progress notifications `--step-ms` apart before it
 * answers with the reversed text. Warden's own `reverse` always takes 5 steps, so its calls end
 * after 250 ms at 20 events/s; this one keeps 16 calls reporting for seconds, the sustained storm
 * the progress-fanout benchmark measures the TUI under. A benchmark peer only: it serves nothing else.
 *
 * Run: node dist/bench/peer/progress-server.js [--port 0] [--steps 40] [--step-ms 50];
 * prints `progress peer: listening on http://127.0.0.1:PORT/mcp`.
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
  const server = new McpServer({ name: 'progress-peer', version: '1.0.0' });
  server.registerTool(
    'reverse',
    { description: `Reverses text, reporting progress in ${steps} steps ${stepMs} ms apart.`, inputSchema: z.object({ text: z.string() }) },
    async ({ text }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        await delay(stepMs, undefined, { signal: ctx.mcpReq.signal });
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
  console.log(`progress peer: listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`);
});
process.on('SIGTERM', () => {
  void handler.close().finally(() => server.close(() => process.exit(0)).closeAllConnections());
});
