import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { approveDeviceCode, cachedSecrets } from '../helpers/device-code.js';
import { CLI_PATH, startCli, type CliProcess } from '../helpers/cli-process.js';
import { freePort } from '../helpers/free-port.js';

let root: string;
let idp: RunningDevIdp;
let mcp: Server;
let mcpUrl: string;
let env: Record<string, string>;
/** A loopback port nothing listens on. */
let closedPort: number;
const outputs: string[] = [];

/** Stands in for the MCP server: /healthz, RFC 9728 metadata naming the dev provider, and /mcp asking for a token. */
function startFakeMcp(provider: RunningDevIdp): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (req.url === '/.well-known/oauth-protected-resource/mcp') {
      const url = `http://${req.headers.host}/mcp`;
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ resource: url, authorization_servers: [provider.issuer], scopes_supported: [provider.apiScope] }));
    }
    if (req.url === '/mcp') {
      const metadata = `http://${req.headers.host}/.well-known/oauth-protected-resource/mcp`;
      return void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${metadata}"` }).end();
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  if (!existsSync(CLI_PATH)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  root = mkdtempSync(join(tmpdir(), 'warden-login-cli-'));
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 1 });
  mcp = await startFakeMcp(idp);
  mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
  env = Object.fromEntries(idp.envLines().map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  env.WARDEN_TOKEN_CACHE = join(root, 'home', '.config', 'warden', 'token_cache.json');
  env.MCP_SERVER_URL = mcpUrl;
  closedPort = await freePort();
});
afterAll(async () => {
  await idp?.close();
  await new Promise((resolve) => mcp?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

async function run(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, { env: { ...env, ...extraEnv } });
  const code = await cli.exited;
  outputs.push(cli.stdout(), cli.stderr());
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Approves like `curl -d user_code=… <verification_uri>` on another machine. */
async function approveFromOutput(cli: CliProcess): Promise<string> {
  const [, code] = await cli.waitFor(/Code:\s+(\S+)/, 'stderr');
  expect(await approveDeviceCode(idp.verificationUri, code as string, idp.caFile)).toBe(200);
  return code as string;
}

describe('warden login / status / logout against the dev identity provider', () => {
  const secrets: string[] = [];

  it('status says "not signed in" (exit 1) and still checks the server', async () => {
    const { code, stdout } = await run(['status']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Account: +not signed in \(run `warden login`\)$/m);
    expect(stdout).toMatch(new RegExp(`^Server: +${mcpUrl.replace(/[/.]/g, '\\$&')} reachable \\(MCP asks for a token; GET /healthz → 200\\)$`, 'm'));
  });

  it('login prints the code, waits for approval by POST, then says who signed in', async () => {
    const cli = startCli(['login'], { env });
    const userCode = await approveFromOutput(cli);
    expect(await cli.exited).toBe(0);
    outputs.push(cli.stdout(), cli.stderr());
    expect(cli.stderr()).toContain(`Open:  ${idp.verificationUri}`);
    expect(cli.stderr()).toContain(`Code:  ${userCode}`);
    expect(cli.stderr()).toMatch(/Waiting for approval… \(Ctrl-C to cancel\)/);
    expect(cli.stdout()).toMatch(
      new RegExp(
        `^Signed in as dev@warden\\.example \\(Dev User, tenant ${idp.tenantId}\\), scopes ${idp.apiScope.replace(/[/.]/g, '\\$&')}, token valid until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d \\(in (59 min|1 h)\\)\\n$`,
      ),
    );
    secrets.push(...cachedSecrets(env.WARDEN_TOKEN_CACHE as string));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
  });

  it('login again says it is already signed in, without a device code', async () => {
    const before = idp.stats();
    const { code, stdout, stderr } = await run(['login']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Already signed in as dev@warden\.example \(Dev User, tenant /);
    expect(stderr).toContain('warden login --force');
    expect(idp.stats()).toEqual(before);
  });

  it('status shows account, tenant, scopes, expiry and the server, from the cache alone', async () => {
    const before = idp.stats();
    const { code, stdout } = await run(['status']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Account: +dev@warden\.example \(Dev User\)$/m);
    expect(stdout).toMatch(new RegExp(`^Tenant: +${idp.tenantId}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^Scopes: +${idp.apiScope.replace(/[/.]/g, '\\$&')}$`, 'm'));
    expect(stdout).toMatch(/^Token: +valid until \d{4}-.* \(in (59 min|1 h)\)$/m);
    expect(stdout).toMatch(/^Server auth: +signs in at https:\/\/localhost:\d+\/[0-9a-f-]+\/v2\.0, scopes \S+$/m);
    expect(idp.stats()).toEqual(before);

    const json = await run(['status', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      signedIn: true,
      account: { username: 'dev@warden.example', tenantId: idp.tenantId },
      scopes: [idp.apiScope],
      tokenValid: true,
      canRefresh: true,
      server: { url: mcpUrl, reachable: true, mcp: 'needs-token', status: 200, authorizationServers: [idp.issuer] },
    });
    expect(Date.parse(report.expiresOn)).toBeGreaterThan(Date.now());

    const down = await run(['status', '--server', `http://127.0.0.1:${closedPort}/mcp`]);
    expect(down.stdout).toMatch(new RegExp(`^Server: +http://127\\.0\\.0\\.1:${closedPort}/mcp unreachable \\(ECONNREFUSED\\)$`, 'm'));
  });

  it('Ctrl-C during login --force cancels cleanly with exit 130', async () => {
    const cli = startCli(['login', '--force'], { env });
    await cli.waitFor(/Waiting for approval/, 'stderr');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    outputs.push(cli.stdout(), cli.stderr());
    expect(cli.stderr()).toMatch(/warden: sign-in cancelled\n$/);
    expect(cli.stdout()).toBe('');
  });

  it('logout removes the account; a second logout says nobody was signed in', async () => {
    const first = await run(['logout']);
    expect(first).toMatchObject({ code: 0, stdout: 'Signed out dev@warden.example (Dev User)\n' });
    const second = await run(['logout']);
    expect(second).toMatchObject({ code: 0, stdout: 'No account was signed in\n' });
    const status = await run(['status']);
    expect(status.code).toBe(1);
  });

  it('a missing setting is one line naming the variable, exit 2', async () => {
    const { code, stdout, stderr } = await run(['login'], { ENTRA_CLIENT_ID: undefined });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^warden: missing ENTRA_CLIENT_ID: [^\n]+\n$/);
  });

  it('with only ENTRA_CLIENT_ID set, login reads the authority and scope from the server (RFC 9728), once its identity provider is approved', async () => {
    const zeroConfig = { ENTRA_AUTHORITY_HOST: undefined, ENTRA_TENANT_ID: undefined, ENTRA_API_SCOPE: undefined, WARDEN_TOKEN_CACHE: join(root, 'zero-config', 'cache.json') };
    // The dev provider is not a Microsoft Entra host: refused, naming it, before any request to it.
    const before = idp.stats();
    const refused = await run(['login'], zeroConfig);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `warden: ${mcpUrl} names the identity provider ${new URL(idp.authorityHost).host}, which is not a Microsoft Entra host nor ENTRA_AUTHORITY_HOST; ` +
        'not signing in there unless you approve (run again with --approve-server to approve)\n',
    );
    expect(idp.stats()).toEqual(before);

    const cli = startCli(['login', '--approve-server'], { env: { ...env, ...zeroConfig } });
    await approveFromOutput(cli);
    expect(await cli.exited).toBe(0);
    outputs.push(cli.stdout(), cli.stderr());
    expect(cli.stdout()).toMatch(new RegExp(`^Signed in as dev@warden\\.example \\(Dev User, tenant ${idp.tenantId}\\), scopes ${idp.apiScope.replace(/[/.]/g, '\\$&')},`));

    const unreachable = await run(['login'], { ENTRA_API_SCOPE: undefined, MCP_SERVER_URL: `http://127.0.0.1:${closedPort}/mcp` });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(
      /^warden: ENTRA_API_SCOPE is not set and http:\/\/127\.0\.0\.1:\d+\/mcp did not say which scope to request \([^\n]+\); set ENTRA_API_SCOPE\n$/,
    );
  });

  it('logout is never blocked by missing settings: without ENTRA_* every sign-in in the token cache goes (issue 24 §2)', async () => {
    const cache = join(root, 'zero-config', 'cache.json');
    const bare = { ENTRA_CLIENT_ID: undefined, ENTRA_AUTHORITY_HOST: undefined, ENTRA_TENANT_ID: undefined, ENTRA_API_SCOPE: undefined, WARDEN_TOKEN_CACHE: cache };
    expect(existsSync(cache)).toBe(true);
    const first = await run(['logout'], bare);
    expect(first).toMatchObject({ code: 0, stdout: `Signed out dev@warden.example (Dev User) (every sign-in in ${cache})\n`, stderr: '' });
    expect(existsSync(cache)).toBe(false);
    expect(await run(['logout'], bare)).toMatchObject({ code: 0, stdout: 'No account was signed in\n' });
  });

  it('an unreachable identity provider is one clear line, exit 1', async () => {
    const { code, stderr } = await run(['login'], { ENTRA_AUTHORITY_HOST: `https://localhost:${closedPort}`, WARDEN_TOKEN_CACHE: join(root, 'other', 'cache.json') });
    expect(code).toBe(1);
    expect(stderr).toBe(`warden: cannot reach the identity provider at localhost:${closedPort} (ECONNREFUSED)\n`);
  });

  it('never printed a token, not even a piece of one', () => {
    expect(secrets.length).toBeGreaterThan(0);
    const all = outputs.join('\n');
    for (const secret of secrets) {
      expect(all).not.toContain(secret.slice(0, 24));
      expect(all).not.toContain(secret.slice(-24));
    }
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
