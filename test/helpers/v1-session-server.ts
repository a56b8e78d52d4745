import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * A small MCP server written with the v1 TypeScript SDK (`@modelcontextprotocol/sdk`), stateful:
 * every client gets an `Mcp-Session-Id`, as many servers users already run do. Its tools are the
 * awkward kind for a model: `notes.find` has a dot in its name and a top-level `anyOf` schema;
 * `whoami` answers with the session id, so a test can tell the session was kept. With `unlock`,
 * a tool of that name adds `secret` to the session's tools and says so with
 * `notifications/tools/list_changed` before it answers — on the session's GET stream, as the v1
 * SDK sends a notification unrelated to a request, so it may reach the client after the result.
 */
export interface V1SessionServer {
  url: string;
  /** Session ids handed out so far. */
  readonly sessions: string[];
  /** Session ids a client ended with DELETE. */
  readonly terminated: string[];
  close(): Promise<void>;
}

export interface V1SessionServerOptions {
  unlock?: boolean;
}

function mcpServer(sessionId: () => string | undefined, options: V1SessionServerOptions): Server {
  const server = new Server({ name: 'v1-session-server', version: '1.0.0' }, { capabilities: { tools: { listChanged: options.unlock === true } } });
  let unlocked = false;
  const extra = () => [
    ...(options.unlock ? [{ name: 'unlock', description: 'Makes the secret tool appear.', inputSchema: { type: 'object' as const, properties: {} } }] : []),
    ...(unlocked ? [{ name: 'secret', description: 'Only there once unlocked.', inputSchema: { type: 'object' as const, properties: {} } }] : []),
  ];
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...extra(),
      {
        name: 'notes.find',
        description: 'Finds notes by title or by tag.',
        inputSchema: {
          type: 'object',
          anyOf: [
            { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
            { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] },
          ],
        },
      },
      { name: 'whoami', description: 'The MCP session id of this connection.', inputSchema: { type: 'object', properties: {} } },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    if (request.params.name === 'whoami') return { content: [{ type: 'text', text: `session ${sessionId() ?? '(none)'}` }] };
    if (request.params.name === 'unlock' && options.unlock) {
      unlocked = true;
      await server.sendToolListChanged();
      return { content: [{ type: 'text', text: 'unlocked' }] };
    }
    if (request.params.name === 'secret' && unlocked) return { content: [{ type: 'text', text: 'the secret' }] };
    if (request.params.name === 'notes.find') {
      const key = typeof args.title === 'string' ? `title ${args.title}` : typeof args.tag === 'string' ? `tag ${args.tag}` : undefined;
      if (!key) return { content: [{ type: 'text', text: `expected a title or a tag, got ${JSON.stringify(args)}` }], isError: true };
      return { content: [{ type: 'text', text: `1 note with ${key}: "Groceries"` }] };
    }
    return { content: [{ type: 'text', text: `unknown tool ${request.params.name}` }], isError: true };
  });
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

export async function startV1SessionServer(options: V1SessionServerOptions = {}): Promise<V1SessionServer> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const sessions: string[] = [];
  const terminated: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? transports.get(id) : undefined;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    if (existing) return existing.handleRequest(req, res, body);
    if (req.method !== 'POST' || typeof id === 'string') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        transports.set(sessionId, transport);
        sessions.push(sessionId);
      },
      onsessionclosed: (sessionId) => {
        terminated.push(sessionId);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) transports.delete(transport.sessionId);
    };
    await mcpServer(() => transport.sessionId, options).connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessions,
    terminated,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
