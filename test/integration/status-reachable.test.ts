import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { startV1SessionServer, type V1SessionServer } from '../helpers/v1-session-server.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

/** Any web server that is not an MCP server: 404 for /healthz and everything else. */
function startPlainServer(): Promise<Server> {
  const server = createServer((_req, res) => void res.writeHead(404).end('not found'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('warden status: "reachable" means an MCP server answered', () => {
  let warden: TestServer;
  let notes: V1SessionServer;
  let plain: Server;
  const home = mkdtempSync(join(tmpdir(), 'warden-status-'));

  beforeAll(async () => {
    [warden, notes, plain] = await Promise.all([startTestServer({}, { noAuth: true }), startV1SessionServer(), startPlainServer()]);
  });
  afterAll(async () => {
    await Promise.all([warden.server.close(), notes.close(), new Promise((resolve) => plain.close(resolve))]);
  });

  const status = async (url: string) => {
    const cli = startCli(['status', '--json', '--server', url], {
      env: { HOME: home, ENTRA_TENANT_ID: 'common', ENTRA_CLIENT_ID: '00000000-0000-0000-0000-000000000001', ENTRA_API_SCOPE: 'api://x/execute' },
    });
    await cli.exited;
    return JSON.parse(cli.stdout()) as { server: Record<string, unknown> };
  };

  it('a web server whose /healthz answers 404 is not an MCP server', async () => {
    const { server } = await status(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/mcp`);
    expect(server).toMatchObject({ reachable: false, status: 404, error: 'HTTP 404, not an MCP answer' });
  });

  it('an MCP server that answers initialize is reachable; a stateful one gets its session closed', async () => {
    expect((await status(warden.server.url)).server).toMatchObject({ reachable: true, mcp: 'initialized' });
    expect((await status(notes.url)).server).toMatchObject({ reachable: true, mcp: 'initialized' });
    expect(notes.sessions).toHaveLength(1);
    expect(notes.terminated).toEqual(notes.sessions);
  });
});
