import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../../agent/demo-stack/stack.js';
import { startCli } from '../helpers/cli-process.js';
import { approveDeviceCode } from '../helpers/device-code.js';

/**
 * Issue 24 §2: after `npm start` signed in, `warden status`, `login` and `logout` run from any
 * directory find the demo's sign-in (its settings are kept with it, ~/.config/warden/demo) where
 * the user set up none of their own; `status` says whose settings it shows; with none at all it
 * says where settings are read from.
 */

let root: string;
let home: string;
let elsewhere: string;
let stack: DemoStack;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-demo-settings-'));
  home = join(root, 'home');
  elsewhere = join(root, 'some', 'project');
  mkdirSync(elsewhere, { recursive: true });
  stack = await startDemoStack({ dir: join(home, '.config', 'warden', 'demo'), env: {} });
});
afterAll(async () => {
  await stack?.close();
  rmSync(root, { recursive: true, force: true });
});

const run = async (args: string[], env: Record<string, string> = {}) => {
  const cli = startCli(args, { env: { HOME: home, ...env }, cwd: elsewhere });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
};

describe("the demo's sign-in from any directory", () => {
  it('status, login and logout use the demo settings where you set none; status says whose they are', async () => {
    const before = await run(['status']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^Account: +not signed in/m);
    expect(before.stdout).toMatch(new RegExp(`^Settings: +the demo's \\(${home}/\\.config/warden/demo/sign-in\\.json\\)`, 'm'));

    const login = startCli(['login'], { env: { HOME: home }, cwd: elsewhere });
    const [, code] = await login.waitFor(/Code:\s+(\S+)/, 'stderr');
    expect(await approveDeviceCode(stack.idp.verificationUri, code as string, stack.idp.caFile)).toBe(200);
    expect(await login.exited).toBe(0);
    expect(login.stdout()).toMatch(/^Signed in as dev@warden\.example/);

    const after = await run(['status']);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^Account: +dev@warden\.example/m);

    expect(await run(['logout'])).toMatchObject({ code: 0, stdout: 'Signed out dev@warden.example (Dev User)\n' });
  });

  it('with settings of your own, status shows yours and says the demo keeps its own', async () => {
    const own = await run(['status'], {
      ENTRA_CLIENT_ID: stack.idp.clientId,
      ENTRA_AUTHORITY_HOST: stack.idp.authorityHost,
      ENTRA_TENANT_ID: stack.idp.tenantId,
      ENTRA_API_SCOPE: stack.idp.apiScope,
    });
    expect(own.stdout).toMatch(new RegExp(`^Settings: +yours \\(environment, ~/\\.config/warden/\\.env\\); the demo keeps its own sign-in in ${home}/\\.config/warden/demo$`, 'm'));
  });

  it('with no settings and no demo, status names what is missing and where settings are read from', async () => {
    const bare = await run(['status'], { HOME: join(root, 'fresh-home') });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^warden: missing ENTRA_CLIENT_ID: /);
    expect(bare.stderr).toMatch(/^warden: sign-in settings are read from your environment and ~\/\.config\/warden\/\.env, from any directory/m);
  });
});
