import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import { startCli } from '../helpers/cli-process.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';
import { freePort } from '../helpers/free-port.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

/**
 * One meaning of "no `auth` key" (issue 22 §1): a configured HTTP server without it signs in as
 * its 401 says, on every path — `mcp list`, `login NAME`, `status`, `-p`, `logout NAME`. Behind an
 * OAuth authorization server (oidc-provider) the challenge's `resource_metadata` (the well-known
 * paths answer 404 here) and its `scope` (the metadata lists one more that the provider does not
 * know) are what the sign-in uses; behind the Entra-shaped dev identity provider, configured as
 * ENTRA_AUTHORITY_HOST, it is the Entra device code.
 */

const PRM_PATH = '/meta/protected-resource';

/**
 * In front of a protected MCP server: its RFC 9728 document only where the 401 challenge points
 * (`resource_metadata`), with a `scope` in the challenge narrower than `scopes_supported`.
 */
async function pointerProxy(upstreamUrl: string, port: number, authorizationServer: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(upstreamUrl);
  const url = `http://127.0.0.1:${port}/mcp`;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/')) return void res.writeHead(404).end();
    if (req.url === PRM_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ resource: url, authorization_servers: [authorizationServer], scopes_supported: ['execute', 'not.a.known.scope'] }));
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      const headers = { ...answer.headers };
      if (answer.statusCode === 401) headers['www-authenticate'] = `Bearer scope="execute", resource_metadata="http://127.0.0.1:${port}${PRM_PATH}"`;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

let root: string;
let home: string;
let op: TestOidcProvider;
let oauthServer: TestServer;
let proxy: { url: string; close(): Promise<void> };
let idp: RunningDevIdp;
let entraServer: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-follow-401-'));
  home = join(root, 'home');
  mkdirSync(join(home, '.config', 'warden'), { recursive: true });
  op = await startOidcProvider();
  // The proxy's URL is the resource: the provider issues tokens for it, and the server behind accepts them.
  const port = await freePort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  op.setResource(resource);
  oauthServer = await startTestServer({ AUTH_ISSUER: op.issuer, AUTH_JWKS_URI: op.jwksUri, AUTH_AUDIENCE: resource, REVERSE_STEP_MS: '0' });
  proxy = await pointerProxy(oauthServer.server.url, port, op.issuer);
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0 });
  entraServer = await startTestServer({ ...devIdpServerEnv(idp), REVERSE_STEP_MS: '0' });
  writeFileSync(
    join(home, '.config', 'warden', 'mcp.json'),
    // Neither entry says how it signs in: as other hosts' configurations are written.
    JSON.stringify({ mcpServers: { docs: { type: 'http', url: proxy.url }, corp: { type: 'http', url: entraServer.server.url } } }),
  );
  env = { HOME: home, ENTRA_CLIENT_ID: idp.clientId, ENTRA_AUTHORITY_HOST: idp.authorityHost, WARDEN_DEV_CA_FILE: idp.caFile, WARDEN_TOKEN_STORE: 'file' };
});
afterAll(async () => {
  await proxy?.close();
  await oauthServer?.server.close();
  await op?.close();
  await entraServer?.server.close();
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

const run = async (args: string[]) => {
  const cli = startCli(args, { env });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
};

describe('a configured server without `auth` signs in as its 401 says', () => {
  it('OAuth: mcp list and -p say to sign in; login NAME follows the challenge (its metadata pointer and scope); then list, status, -p and logout agree', async () => {
    const before = await run(['mcp', 'list']);
    expect(before.stdout).toMatch(/^docs\s.*✗ needs sign-in \(warden login docs\)$/m);

    const unsigned = await run(['-p', 'reverse hello']);
    expect(unsigned.stderr).not.toMatch(/--no-auth/);
    expect(unsigned.stderr).toMatch(/docs\b.*not signed in to http:\/\/127\.0\.0\.1:\d+\/mcp yet \(run `warden login docs`\)/);
    expect(unsigned.stderr).toMatch(/corp\b.*not signed in \(run `warden login corp`\)/);

    const login = startCli(['login', 'docs'], { env });
    const [, complete] = await login.waitFor(/\(or open (\S+) — the code is filled in\)/, 'stderr');
    await op.approve(complete as string);
    expect(await login.exited).toBe(0);
    expect(login.stdout()).toMatch(/^Signed in as alice/);
    // The provider was asked for the challenge's scope, not everything the metadata lists.
    expect(op.scopesAsked().at(-1)).toBe('execute');

    const after = await run(['mcp', 'list']);
    expect(after.stdout).toMatch(/^docs\s.*✓ connected · 3 tools$/m);
    const status = await run(['status']);
    expect(status.stdout).toMatch(/ {2}docs \(server\): alice, token valid until/);
    const turn = await run(['-p', 'reverse hello']);
    expect(turn.stderr).not.toMatch(/server "docs" is unavailable/);

    const logout = await run(['logout', 'docs']);
    expect(logout).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Signed out alice/) });
    expect((await run(['status'])).stdout).toContain('  docs (server): not signed in (run `warden login docs`)');
  });

  it('Entra: an authority that is ENTRA_AUTHORITY_HOST gets the device code; the server is then used by -p', async () => {
    const login = startCli(['login', 'corp'], { env });
    const [, code] = await login.waitFor(/Code:\s+(\S+)/, 'stderr');
    expect(login.stderr()).toContain(`Sign in with ${new URL(idp.authorityHost).host}`);
    await idp.approve(code as string);
    expect(await login.exited).toBe(0);
    expect(login.stdout()).toMatch(/^Signed in as dev@warden\.example/);

    const status = await run(['status']);
    expect(status.stdout).toMatch(/ {2}corp \(server\): dev@warden\.example.*token valid until/);
    const list = await run(['mcp', 'list']);
    expect(list.stdout).toMatch(/^corp\s.*✓ connected · 3 tools$/m);
  });

  it('auth {"kind":"oauth"}: login follows the challenge (its metadata pointer; its scope, not everything the metadata lists), then -p uses the token', async () => {
    // A home of its own: this server alone is configured, so the turn calls it.
    const ownHome = join(root, 'oauth-home');
    mkdirSync(join(ownHome, '.config', 'warden'), { recursive: true });
    writeFileSync(join(ownHome, '.config', 'warden', 'mcp.json'), JSON.stringify({ mcpServers: { tickets: { type: 'http', url: proxy.url, auth: { kind: 'oauth' } } } }));
    const ownEnv = { ...env, HOME: ownHome };
    const asked = op.scopesAsked().length;
    const login = startCli(['login', 'tickets'], { env: ownEnv });
    const [, complete] = await login.waitFor(/\(or open (\S+) — the code is filled in\)/, 'stderr');
    await op.approve(complete as string);
    expect(await login.exited).toBe(0);
    expect(login.stdout()).toMatch(/^Signed in as alice/);
    expect(op.scopesAsked().slice(asked)).toEqual(['execute']);

    const turn = startCli(['-p', 'reverse hello', '--allowed-tools', 'tickets__reverse'], { env: ownEnv });
    expect(await turn.exited).toBe(0);
    expect(turn.stderr()).toMatch(/\[tickets › reverse#1\] ✓/);
    expect(turn.stdout()).toContain('olleh');
  });

  it("the chat: the server's 401 leads to its sign-in (OAuth device grant, the challenge's scope), then its tools are there", async () => {
    const chatHome = join(root, 'chat-home');
    mkdirSync(join(chatHome, '.config', 'warden'), { recursive: true });
    const config = loadAgentConfig({}, {});
    config.servers = [{ name: 'docs', source: { kind: 'user', file: join(chatHome, '.config', 'warden', 'mcp.json') }, type: 'http', url: proxy.url, headers: {} }];
    const engine = createAgentEngine(config, { home: chatHome, env: { WARDEN_TOKEN_STORE: 'file' } });
    try {
      await engine.start();
      expect(engine.getStatus().servers[0]).toMatchObject({ connection: { state: 'sign-in-needed' }, auth: { state: 'signed-out' } });
      const asked = op.scopesAsked().length;
      const signingIn = engine.signIn();
      const prompt = await waitForSignInPrompt(engine);
      await op.approve(prompt.verificationUriComplete as string);
      await signingIn;
      expect(op.scopesAsked().slice(asked)).toEqual(['execute']);
      expect(engine.getStatus().servers[0]).toMatchObject({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'alice' } });
      expect((await engine.runTurn('reverse chat')).text).toContain('"tahc"');
    } finally {
      await engine.close();
    }
  });
});
