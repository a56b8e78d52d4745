import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli-process.js';
import { connectClient } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/;

describe('warden serve (the compiled CLI)', () => {
  it('serves with --no-auth on a free port, logs JSON lines and stops on SIGTERM', async () => {
    const cli = startCli(['serve', '--no-auth', '--port', '0'], { env: { REVERSE_STEP_MS: '0' } });
    try {
      const [, url] = await cli.waitFor(LISTENING, 'stdout');
      expect(cli.stderr()).toContain('WARNING: authentication is OFF (--no-auth)');
      const client = await connectClient(url as string);
      expect((await client.callTool({ name: 'reverse', arguments: { text: 'cli' } })).content).toEqual([{ type: 'text', text: 'ilc' }]);
      await client.close();
      await cli.waitFor(/"event":"request".*"tool":"reverse"/, 'stderr');
    } finally {
      await cli.stop();
    }
    expect(await cli.exited).toBe(0);
    const lines = cli
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l) as { event: string }).map((r) => r.event)).toContain('server stopped');
  });

  it.each([
    [[], {}, /^warden: missing ENTRA_TENANT_ID: /],
    [['--no-auth', '--host', '0.0.0.0'], {}, /^warden: invalid --host: --no-auth binds loopback only/],
    [['--port', 'abc'], { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID }, /^warden: invalid --port: /],
    [['--no-auth'], { REVERSE_STEP_MS: 'fast' }, /^warden: invalid REVERSE_STEP_MS: /],
    [['--verbose'], {}, /^warden serve: unknown option --verbose \(see warden serve --help\)\n$/],
    [
      ['--port', '0'],
      { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, AUTH_PUBLIC_TOOLS: 'reverse', AUTH_TOOL_SCOPES: 'reverse=reverse.use' },
      /^warden: invalid AUTH_PUBLIC_TOOLS: reverse also has scopes in AUTH_TOOL_SCOPES; /,
    ],
  ])('exits 2 with one line for %j %j', async (args, env, message) => {
    const cli = startCli(['serve', ...args], { env });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(cli.stderr().trim().split('\n')).toHaveLength(1);
    expect(cli.stdout()).toBe('');
  });

  describe('with Entra settings', () => {
    let minter: TokenMinter;
    beforeAll(async () => {
      minter = await startTokenMinter();
    });
    afterAll(async () => {
      await minter.close();
    });

    it('derives sign-in settings from ENTRA_TENANT_ID/ENTRA_API_AUDIENCE and serves token holders', async () => {
      const cli = startCli(['serve', '--port', '0'], {
        env: { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, REVERSE_STEP_MS: '0' },
      });
      try {
        const [, url] = await cli.waitFor(LISTENING, 'stdout');
        const origin = new URL(url as string).origin;
        const metadata = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
        expect(metadata).toMatchObject({ authorization_servers: [minter.issuer], scopes_supported: [`api://${API_APP_ID}/execute`] });
        const token = await minter.mint();
        const client = await connectClient(url as string, { token });
        expect((await client.callTool({ name: 'reverse', arguments: { text: 'ok' } })).content).toEqual([{ type: 'text', text: 'ko' }]);
        await client.close();
        await expect(connectClient(url as string)).rejects.toThrow();
        expect(cli.stderr()).not.toContain(token.split('.')[2]);
      } finally {
        await cli.stop();
      }
    });
  });
});
