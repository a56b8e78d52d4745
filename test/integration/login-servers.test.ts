import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../auth/dev-idp/certificate.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { haveChromium, launchChromium } from '../helpers/chromium.js';
import { startCli } from '../helpers/cli-process.js';
import { startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';

/**
 * `warden login NAME`, `logout NAME` and `status` for servers configured in the user's mcpServers
 * file, through the real CLI: an `oauth` server whose authorization server (oidc-provider) has no
 * device endpoint signs in through the printed link (the browser named by BROWSER opens it) and
 * the loopback redirect; a `client-credentials` server gets its app token from the dev identity
 * provider; status lists every configured server's sign-in state from what is stored, and it and
 * logout work with every server down.
 */

const APP = '00000000-de70-4000-8000-0000000000c1';

let root: string;
let home: string;
let op: TestOidcProvider;
let idp: RunningDevIdp;
let opServer: TestServer;
let appServer: TestServer;
let url: string;
let browser: Browser | undefined;
let opened: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-login-servers-'));
  home = join(root, 'home');
  mkdirSync(join(home, '.config', 'warden'), { recursive: true });
  op = await startOidcProvider({ deviceFlow: false });
  ({ mcp: opServer, url } = await startOidcResourceServer(op));

  const cert = createSelfSignedCertificate('warden test service principal', new Date(), 'rsa');
  const certificateFile = join(root, 'sp.pem');
  writeFileSync(certificateFile, `${cert.certPem}${cert.keyPem}`, { mode: 0o600 });
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), servicePrincipals: [{ clientId: APP, publicKeyPem: cert.certPem }] });
  appServer = await startTestServer({ ...devIdpServerEnv(idp), REVERSE_STEP_MS: '0' });

  writeFileSync(
    join(home, '.config', 'warden', 'mcp.json'),
    JSON.stringify({
      mcpServers: {
        op: { url, auth: { kind: 'oauth' } },
        app: {
          url: appServer.server.url,
          auth: {
            kind: 'client-credentials',
            clientId: APP,
            scope: idp.apiScope.replace(/\/[^/]+$/, '/.default'),
            tenantId: idp.tenantId,
            authorityHost: idp.authorityHost,
            certificateFile,
          },
        },
        static: { url: 'http://127.0.0.1:9/mcp', auth: { kind: 'bearer', tokenEnv: 'STATIC_TOKEN' } },
      },
    }),
  );
  // "The browser": records the link it was asked to open.
  opened = join(root, 'opened.txt');
  const script = join(root, 'browser.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  chmodSync(script, 0o755);
  env = { HOME: home, WARDEN_DEV_CA_FILE: idp.caFile, BROWSER: script, STATIC_TOKEN: 'static-secret-value' };
  if (haveChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await opServer?.server.close();
  await appServer?.server.close();
  await op?.close();
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('warden login/logout/status for configured servers', () => {
  it('login NAME (oauth, no device endpoint): the host, then the link; the browser opens it; approving signs in through the loopback', async () => {
    const cli = startCli(['login', 'op'], { env });
    const [, link] = await cli.waitFor(/Open:\s+(\S+)/, 'stderr').catch((error: unknown) => {
      throw new Error(`${String(error)}: ${cli.stderr()}`);
    });
    const stderr = cli.stderr();
    expect(stderr.indexOf(`Sign in with ${new URL(op.issuer).host}`)).toBeGreaterThan(-1);
    expect(stderr.indexOf(`Sign in with ${new URL(op.issuer).host}`)).toBeLessThan(stderr.indexOf('Open:'));
    expect(stderr).not.toContain('Code:');
    expect(new URL(link ?? '').origin).toBe(op.issuer);
    // BROWSER names a browser here: it was asked to open exactly the printed link.
    await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8')).toBe(link);
    await op.approve(link ?? '', { browser });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/^Signed in as alice \(tenant 127\.0\.0\.1:\d+\), scopes execute, token valid until/);

    const again = startCli(['login', 'op'], { env });
    expect(await again.exited).toBe(0);
    expect(again.stdout()).toMatch(/^Already signed in as alice/);
    expect(again.stderr()).toContain('warden login op --force');
  });

  it('login NAME (client-credentials): the app gets its token; bearer: nothing to sign in; an unknown name is a config error naming the configured ones', async () => {
    const app = startCli(['login', 'app'], { env });
    expect(await app.exited, app.stderr()).toBe(0);
    expect(app.stdout()).toContain(`Signed in as ${APP}`);

    const bearer = startCli(['login', 'static'], { env });
    expect(await bearer.exited).toBe(0);
    expect(bearer.stdout()).toContain('static sends the token in STATIC_TOKEN (auth kind bearer): nothing to sign in');

    const unknown = startCli(['login', 'nope'], { env });
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr().trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr()).toContain('no configured MCP server is called "nope" (configured: op, app, static)');
  });

  it('status lists each configured server’s kind and sign-in state; with every server down, status and logout NAME still work', async () => {
    await opServer.server.close();
    await op.close();
    const status = startCli(['status'], { env });
    await status.exited;
    const out = status.stdout();
    expect(out).toContain('Configured servers:');
    expect(out).toMatch(/ {2}op \(oauth\): alice, token valid until/);
    expect(out).toContain(`  app (client-credentials): app ${APP} signs in as itself on each run (nothing cached)`);
    expect(out).toContain('  static (bearer): token from STATIC_TOKEN (set)');
    expect(out).not.toContain('static-secret-value');

    const json = startCli(['status', '--json'], { env });
    await json.exited;
    expect((JSON.parse(json.stdout()) as { servers: unknown[] }).servers).toContainEqual({
      name: 'op',
      kind: 'oauth',
      signedIn: true,
      detail: expect.stringMatching(/^alice, token valid until/) as unknown,
    });

    const logout = startCli(['logout', 'op'], { env });
    expect(await logout.exited).toBe(0);
    expect(logout.stdout()).toMatch(/^Signed out alice/);
    const after = startCli(['status'], { env });
    await after.exited;
    expect(after.stdout()).toContain('  op (oauth): not signed in (run `warden login op`)');
  });
});
