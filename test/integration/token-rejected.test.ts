import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { envSignIns } from '../helpers/sign-ins.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startCli } from '../helpers/cli-process.js';
import { approveDeviceCode } from '../helpers/device-code.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';

/**
 * A server whose verifier expects another audience (FastMCP's JWTVerifier misconfigured, say):
 * it publishes RFC 9728 metadata naming the dev provider, and answers every token with 401
 * invalid_token. Issue 13: the agent must say so and stop, not sign in again and again.
 */
interface RejectingServer {
  url: string;
  /** Requests that carried a bearer token. */
  bearers: () => number;
  close(): Promise<void>;
}

const DESCRIPTION = `The audience 'api://someone-else' is invalid ${'x'.repeat(2000)}`;

async function startRejectingServer(issuer: string, scope: string): Promise<RejectingServer> {
  let bearers = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const metadata = `${base}/.well-known/oauth-protected-resource/mcp`;
    if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: `${base}/mcp`, authorization_servers: [issuer], scopes_supported: [scope] }));
      return;
    }
    const bearer = /^bearer /i.test(req.headers.authorization ?? '');
    if (bearer) bearers++;
    req.resume();
    const challenge = bearer ? `Bearer error="invalid_token", error_description="${DESCRIPTION}", resource_metadata="${metadata}"` : `Bearer resource_metadata="${metadata}"`;
    res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' }).end('{"error":"invalid_token"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/mcp`,
    bearers: () => bearers,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let root: string;
let idp: RunningDevIdp;
let server: RejectingServer;
const identityRequests = (): number => idp.stats().tokenRequests + idp.stats().deviceCodeRequests;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-rejected-'));
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0 });
  server = await startRejectingServer(idp.issuer, idp.apiScope);
});
afterAll(async () => {
  await Promise.all([server?.close(), idp?.close()]);
  rmSync(root, { recursive: true, force: true });
});

describe('a server that rejects every token (401 invalid_token)', () => {
  let engine: AgentEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('-p after `warden login`: one silent refresh, then one line with the server’s reason, exit 1', async () => {
    const env = {
      ENTRA_CLIENT_ID: idp.clientId,
      ENTRA_AUTHORITY_HOST: idp.authorityHost,
      WARDEN_DEV_CA_FILE: idp.caFile,
      WARDEN_TOKEN_CACHE: join(root, 'cli', 'token_cache.json'),
      MCP_SERVER_URL: server.url,
    };
    const login = startCli(['login'], { env });
    const [, code] = await login.waitFor(/Code:\s+(\S+)/, 'stderr');
    expect(await approveDeviceCode(idp.verificationUri, code as string, idp.caFile)).toBe(200);
    expect(await login.exited).toBe(0);

    const before = identityRequests();
    const turn = startCli(['-p', '-q', 'reverse hello'], { env });
    expect(await turn.exited).toBe(1);
    const lines = turn.stderr().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^warden: the server at ${server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} rejected the token just issued for it \\(invalid_token: The audience 'api://someone-else' is invalid x+…\\); signing in again will not help`,
      ),
    );
    expect(lines[0]!.length).toBeLessThan(400);
    expect(turn.stderr()).not.toMatch(/not signed in/);
    // The cached token, then the one refreshed for the retry: the provider was asked once.
    expect(identityRequests() - before).toBe(1);
  });

  it('the chat: one device-code sign-in, then the rejection as an error state; later turns ask the provider nothing', async () => {
    const loginEnv = { ENTRA_CLIENT_ID: idp.clientId, WARDEN_DEV_CA_FILE: idp.caFile, WARDEN_TOKEN_CACHE: join(root, 'chat', 'token_cache.json') };
    const e = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: server.url }), { signIns: envSignIns(loginEnv, { approveRun: true }) });
    engine = e;
    await e.start();
    expect(e.getStatus()).toMatchObject({ connection: { state: 'sign-in-needed' }, auth: { state: 'signed-out' } });

    const before = identityRequests();
    const codesBefore = idp.stats().deviceCodeRequests;
    const signingIn = e.signIn();
    await idp.approve((await waitForSignInPrompt(e)).userCode ?? '');
    await signingIn;

    const status = e.getStatus();
    expect(status.auth).toMatchObject({ state: 'error', rejected: true, error: expect.stringContaining('(invalid_token: The audience') });
    expect(status.connection).toMatchObject({ state: 'sign-in-needed', reason: expect.stringContaining('rejected the token just issued') });
    const afterSignIn = identityRequests() - before;
    // One device code and its polls until approval; no refresh, no second code.
    expect(idp.stats().deviceCodeRequests - codesBefore).toBe(1);

    const bearersBefore = server.bearers();
    const turn = await e.runTurn('reverse hello');
    expect(e.registry.get(turn.callIds[0]!)?.error ?? turn.error).toMatch(/rejected the token just issued/);
    expect(identityRequests() - before).toBe(afterSignIn);
    // The rejected token went to the server again at most once per request of one connect attempt.
    expect(server.bearers() - bearersBefore).toBeLessThanOrEqual(3);
    expect(e.getStatus().auth).toMatchObject({ state: 'error', rejected: true });
  });
});
