import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolMemory } from '../../agent/core/host/protocol-memory.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { McpSession } from '../../agent/core/mcp/session.js';
import { createTransport } from '../../agent/core/mcp/transports.js';

/**
 * What an earlier run learned about a server's protocol revision (the Python servers' switch is
 * in python-peers.test.ts): a server that no longer takes the 2025 handshake it was remembered
 * for is negotiated with anew and forgotten. A small SDK v2 server that speaks only 2026-07-28.
 */

let http: Server;
let url: string;

beforeAll(async () => {
  const handler = toNodeHandler(
    createMcpHandler(() => {
      const server = new McpServer({ name: 'modern-only', version: '1.0.0' }, { supportedProtocolVersions: ['2026-07-28'] });
      server.registerTool('ping', { description: 'Answers pong.' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
      return server;
    }),
  );
  http = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

describe('protocol memory', () => {
  it('a server remembered as needing 2025-11-25 that refuses that handshake gets 2026-07-28, and is forgotten', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'warden-protocol-memory-')), 'protocol-versions.json');
    const config: ServerConfig = { name: 'modern', source: { kind: 'flag', file: 'test.json' }, type: 'http', url, headers: {} };
    const memory = protocolMemory(store, config);
    await memory.remember('2025-11-25');
    expect(await memory.recall()).toBe('2025-11-25');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    // The store says nothing of where the server is (a URL may carry a key).
    expect(readFileSync(store, 'utf8')).not.toContain('127.0.0.1');

    const session = new McpSession({
      target: url,
      protocolMemory: memory,
      openTransport: () => createTransport(config, { env: {}, logDir: '' }),
      onConnection: () => undefined,
    });
    try {
      const client = await session.connect();
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(session.connectedTools()?.map((t) => t.name)).toEqual(['ping']);
    } finally {
      await session.close();
    }
    expect(await memory.recall()).toBeUndefined();
  });
});
