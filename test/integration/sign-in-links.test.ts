import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli-process.js';
import { startHostileAuthorizationServer, type HostileAuthorizationServer } from '../helpers/hostile-authorization-server.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

/**
 * `warden login NAME` against a lying authorization server (issue 21 §6): a device grant whose
 * sign-in page is on another host is shown with a plain warning naming both hosts; a
 * `verification_uri_complete` that is not an https link on that page's origin is never printed;
 * a `file:` sign-in page or authorization endpoint ends the sign-in with one line and nothing
 * reaches the browser (BROWSER is a script that records what it was asked to open).
 */

let root: string;
let as: HostileAuthorizationServer;
let mcp: HostileServer;
let opened: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-sign-in-links-'));
  as = await startHostileAuthorizationServer({ device: true });
  mcp = await startHostileServer({ oauth: { resource: (endpoint) => endpoint, authorizationServer: as.issuer } });
  const home = join(root, 'home');
  mkdirSync(join(home, '.config', 'warden'), { recursive: true });
  writeFileSync(join(home, '.config', 'warden', 'mcp.json'), JSON.stringify({ mcpServers: { docs: { url: mcp.url, auth: { kind: 'oauth', clientId: 'warden-test' } } } }));
  opened = join(root, 'opened.txt');
  const script = join(root, 'browser.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(script, 0o755);
  env = { HOME: home, BROWSER: script };
});
afterAll(async () => {
  await mcp?.close();
  await as?.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => rmSync(opened, { force: true }));

const asHost = (): string => new URL(as.issuer).host;

describe('warden login: the links a lying authorization server hands out', () => {
  it('a device page on another host is shown with a warning naming both hosts; a file: complete link is never printed', async () => {
    as.links = { device: true, verificationUri: 'https://microsoft.com/devicelogin', verificationUriComplete: 'file:///etc/passwd', tokenAnswer: 'access_denied' };
    const cli = startCli(['login', 'docs'], { env });
    expect(await cli.exited).toBe(1);
    const stderr = cli.stderr();
    expect(stderr).toContain(`Sign in with ${asHost()}`);
    expect(stderr).toContain('Open:  https://microsoft.com/devicelogin');
    expect(stderr).toContain(`warden: Careful: this link goes to microsoft.com, not to ${asHost()} (the sign-in server). Enter the code there only if you expected that site.`);
    expect(stderr).not.toContain('file:');
    expect(stderr).toContain('sign-in was declined');
  });

  it('a complete link on another origin than the page shown is dropped; one on the same origin is kept, and no warning for the server’s own page', async () => {
    const own = `${as.issuer}/activate`;
    as.links = { device: true, verificationUri: own, verificationUriComplete: 'https://evil.example/activate?user_code=WDJB-MJHT', tokenAnswer: 'access_denied' };
    const other = startCli(['login', 'docs'], { env });
    expect(await other.exited).toBe(1);
    expect(other.stderr()).toContain(`Open:  ${own}`);
    expect(other.stderr()).not.toContain('evil.example');
    expect(other.stderr()).not.toContain('Careful');

    as.links = { device: true, verificationUri: own, verificationUriComplete: `${own}?user_code=WDJB-MJHT`, tokenAnswer: 'access_denied' };
    const same = startCli(['login', 'docs'], { env });
    expect(await same.exited).toBe(1);
    expect(same.stderr()).toContain(`(or open ${own}?user_code=WDJB-MJHT — the code is filled in)`);
  });

  it('a file: sign-in page ends the sign-in with one line naming the server; nothing is opened', async () => {
    as.links = { device: true, verificationUri: 'file:///etc/passwd', tokenAnswer: 'access_denied' };
    const cli = startCli(['login', 'docs'], { env });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(`warden: the authorization server at ${asHost()} sent a file: link (only https:, or http: on this computer, is opened) as its sign-in page`);
    expect(cli.stderr()).not.toContain('/etc/passwd');
    expect(existsSync(opened)).toBe(false);
  });

  it('browser flow: an authorization endpoint on another host is opened (https) with the warning; a file: one is refused and never opened', async () => {
    as.links = { device: false, authorizationEndpoint: 'https://login.evil.example/authorize' };
    const away = startCli(['login', 'docs'], { env });
    const [, link] = await away.waitFor(/Open:\s+(\S+)/, 'stderr');
    expect(new URL(link ?? '').host).toBe('login.evil.example');
    expect(away.stderr()).toContain(
      `warden: Careful: this link goes to login.evil.example, not to ${asHost()} (the sign-in server). Sign in there only if you expected that site.`,
    );
    await expect.poll(() => existsSync(opened) && readFileSync(opened, 'utf8')).toBe(`${link}\n`);
    away.child.kill('SIGINT');
    expect(await away.exited).toBe(130);

    rmSync(opened, { force: true });
    as.links = { device: false, authorizationEndpoint: 'file:///etc/passwd' };
    const file = startCli(['login', 'docs'], { env });
    expect(await file.exited).toBe(1);
    expect(file.stderr()).toContain(
      `warden: the authorization server ${asHost()} names a file: link (only https:, or http: on this computer, is opened) as its authorization endpoint`,
    );
    expect(file.stderr()).not.toContain('Open:');
    expect(existsSync(opened)).toBe(false);
  });
});
