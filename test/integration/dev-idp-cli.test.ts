import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli-process.js';
import { dirty, TERMINAL_CONTROL } from '../helpers/hostile-text.js';

const ENV_BLOCK = /ENTRA_AUTHORITY_HOST=(\S+)\nENTRA_TENANT_ID=(\S+)\nENTRA_CLIENT_ID=(\S+)\nENTRA_API_SCOPE=(\S+)\nENTRA_API_AUDIENCE=(\S+)\nWARDEN_DEV_CA_FILE=(\S+)\n/;

const newDir = (): string => join(mkdtempSync(join(tmpdir(), 'warden-dev-idp-cli-')), 'idp');

describe('warden dev-idp (the compiled CLI)', () => {
  it('prints the warning, URLs and env lines, serves the device flow, and stops on SIGTERM', async () => {
    const dataDir = newDir();
    const cli = startCli(['dev-idp', '--port', '0', '--data-dir', dataDir, '--token-lifetime', '120']);
    try {
      const [, authorityHost, tenantId, clientId, apiScope, audience, caFile] = (await cli.waitFor(ENV_BLOCK, 'stdout')) as string[];
      expect(cli.stdout()).toContain('NOT FOR PRODUCTION');
      expect(cli.stdout()).toContain(`${authorityHost}/devicelogin`);
      expect(caFile).toBe(join(dataDir, 'tls-cert.pem'));
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);

      const dispatcher = new Agent({ connect: { ca: readFileSync(caFile as string, 'utf8') } });
      const post = async (path: string, form: Record<string, string>) => {
        const response = await request(`${authorityHost}${path}`, {
          method: 'POST',
          body: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          dispatcher,
        });
        return { status: response.statusCode, text: await response.body.text() };
      };
      const discovery = await request(`${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`, { dispatcher });
      expect(((await discovery.body.json()) as { issuer: string }).issuer).toBe(`${authorityHost}/${tenantId}/v2.0`);

      // Request text reaches its log: a client_id full of terminal controls is logged as plain text.
      expect((await post(`/${tenantId}/oauth2/v2.0/devicecode`, { client_id: dirty('evil-client'), scope: apiScope as string })).status).toBe(400);
      const refusal = (await cli.waitFor(/device code request refused: invalid_client: unknown client_id .*\n/, 'stderr'))[0] as string;
      expect(refusal).toContain('evil-client');
      expect(refusal.trimEnd()).not.toMatch(TERMINAL_CONTROL);

      const code = JSON.parse(
        (await post(`/${tenantId}/oauth2/v2.0/devicecode`, { client_id: clientId as string, scope: `${apiScope} openid profile offline_access` })).text,
      ) as Record<string, string>;
      await cli.waitFor(new RegExp(`user code ${code.user_code}`), 'stderr');
      // What `curl --cacert … -d user_code=… https://localhost:PORT/devicelogin` sends.
      expect((await post('/devicelogin', { user_code: code.user_code as string })).status).toBe(200);
      const tokens = JSON.parse(
        (await post(`/${tenantId}/oauth2/v2.0/token`, { client_id: clientId as string, grant_type: 'device_code', device_code: code.device_code as string })).text,
      ) as Record<string, unknown>;
      expect(tokens.expires_in).toBe(120);
      // The printed ENTRA_API_AUDIENCE is what the token says, so a server configured from it accepts the token.
      expect(decodeJwt(String(tokens.access_token)).aud).toBe(audience);
      expect(cli.stdout()).toContain(`token aud      ${audience}`);
      await cli.waitFor(/tokens issued to dev@warden\.example/, 'stderr');

      const output = cli.stdout() + cli.stderr();
      for (const secret of [code.device_code, tokens.access_token, tokens.refresh_token]) expect(output).not.toContain(String(secret));
    } finally {
      await cli.stop();
    }
    expect(await cli.exited).toBe(0);
  });

  it('keeps its data in WARDEN_DEV_IDP_DIR', async () => {
    const dataDir = newDir();
    const cli = startCli(['dev-idp', '--port', '0'], { env: { WARDEN_DEV_IDP_DIR: dataDir } });
    try {
      const [, , , , , , caFile] = (await cli.waitFor(ENV_BLOCK, 'stdout')) as string[];
      expect(caFile).toBe(join(dataDir, 'tls-cert.pem'));
    } finally {
      await cli.stop();
    }
    expect(await cli.exited).toBe(0);
  });

  it('prints its usage with --help', async () => {
    const cli = startCli(['dev-idp', '--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: warden dev-idp /);
    expect(cli.stdout()).toContain('NOT FOR PRODUCTION');
  });

  it.each([
    [['--port', 'abc'], /^warden: invalid --port: /],
    [['--token-lifetime', '0'], /^warden: invalid --token-lifetime: /],
    [['--verbose'], /^warden dev-idp: unknown option --verbose \(see warden dev-idp --help\)\n$/],
    [['--host', '0.0.0.0'], /^warden: invalid --host: dev-idp signs in anyone who can reach it, so it binds loopback only; add --allow-remote to listen on 0\.0\.0\.0\n$/],
  ])('exits 2 with one line for %j', async (args, message) => {
    const cli = startCli(['dev-idp', ...args], { env: { WARDEN_DEV_IDP_DIR: newDir() } });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(cli.stderr().trim().split('\n')).toHaveLength(1);
    expect(cli.stdout()).toBe('');
  });
});
