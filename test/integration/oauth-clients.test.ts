import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import { createOAuthAuthenticator } from '../../auth/oauth/authenticator.js';
import { OAuthTokenStore, oauthStorePath } from '../../auth/oauth/token-store.js';
import { startCli } from '../helpers/cli-process.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';
import { oauthEngine, startOidcProvider, startOidcResourceServer, type TestOidcProvider } from '../helpers/oidc-provider.js';
import type { TestServer } from '../helpers/server-harness.js';

/**
 * How Warden identifies itself to a generic authorization server (oidc-provider) with the `oauth`
 * kind: a confidential client registered beforehand (`clientId` + `clientSecret`) authenticates by
 * HTTP Basic, its id and secret form-encoded as RFC 6749 has it, at the device endpoint, the token
 * endpoint and on refresh, and its secret is never shown; a client ID metadata document is the
 * client where the provider supports them, and a dynamic registration (as a native application)
 * where it does not.
 */

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Characters that the form encoding changes: sent raw in a Basic header, the provider reads another secret. */
const SECRET = 'Zk9+s3cr3t/4u==&x';
const CIMD_URL = 'https://warden.example/oauth/client-metadata.json';

let root: string;
const servers: { op: TestOidcProvider; mcp: TestServer }[] = [];
const engines: AgentEngine[] = [];

/** An oidc-provider and Warden's server trusting it. */
async function protectedServer(options: Parameters<typeof startOidcProvider>[0]): Promise<{ op: TestOidcProvider; url: string }> {
  const op = await startOidcProvider(options);
  const { mcp, url } = await startOidcResourceServer(op);
  servers.push({ op, mcp });
  return { op, url };
}

function engineFor(url: string, auth: ServerConfig['auth'], cache: string): AgentEngine {
  const engine = oauthEngine(url, { WARDEN_TOKEN_CACHE: join(root, cache, 'token_cache.json') }, auth);
  engines.push(engine);
  return engine;
}

/** Device sign-in approved through the provider's pages; then a call over the new token. */
async function signInAndCall(engine: AgentEngine, op: TestOidcProvider): Promise<void> {
  await engine.start();
  const signingIn = engine.signIn();
  // A refused sign-in ends here with its reason rather than as a prompt that never comes.
  const prompt = await Promise.race([waitForSignInPrompt(engine), signingIn.then(() => Promise.reject(new Error('signed in without a prompt')))]);
  await op.approve(prompt.verificationUriComplete ?? '');
  await signingIn;
  expect((await engine.runTurn('reverse client')).text).toContain('"tneilc"');
}

/** The access token of the one grant in a token directory's OAuth store. */
function storedAccessToken(cache: string): string {
  const store = JSON.parse(readFileSync(join(root, cache, 'oauth_tokens.json'), 'utf8')) as { grants: Record<string, { accessToken: string }> };
  return Object.values(store.grants)[0]?.accessToken ?? '';
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'warden-oauth-clients-'));
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  for (const { op, mcp } of servers) {
    await mcp.server.close();
    await op.close();
  }
  rmSync(root, { recursive: true, force: true });
});

describe('a confidential client registered beforehand (clientId + clientSecret)', () => {
  let op: TestOidcProvider;
  let url: string;
  beforeAll(async () => {
    ({ op, url } = await protectedServer({
      clients: [
        {
          client_id: 'warden-ci',
          client_secret: SECRET,
          grant_types: [DEVICE_GRANT, 'refresh_token'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
    }));
  });

  it('authenticates by HTTP Basic at the device and token endpoints and on refresh, and registers nothing', async () => {
    const auth = { kind: 'oauth' as const, clientId: 'warden-ci', clientSecret: SECRET };
    await signInAndCall(engineFor(url, auth, 'confidential'), op);
    const refresh = createOAuthAuthenticator({ serverUrl: url, ...auth, store: new OAuthTokenStore(oauthStorePath(join(root, 'confidential', 'token_cache.json'))) });
    await refresh.acquireTokenSilently({ forceRefresh: true });

    const seen = op.clientAuth();
    expect(seen.map((s) => `${s.endpoint} ${s.grant ?? ''}`.trim())).toEqual(expect.arrayContaining(['device', `token ${DEVICE_GRANT}`, 'token refresh_token']));
    expect(seen.every((s) => s.method === 'client_secret_basic' && s.clientId === 'warden-ci')).toBe(true);
    expect(op.registrations()).toEqual([]);
    expect(decodeJwt(storedAccessToken('confidential'))).toMatchObject({ client_id: 'warden-ci', aud: url });
  });

  it('without its secret, the provider refuses the client and the sign-in says so', async () => {
    const engine = engineFor(url, { kind: 'oauth', clientId: 'warden-ci' }, 'no-secret');
    await engine.start();
    await expect(engine.signIn()).rejects.toThrow(/invalid_client/);
  });

  it('keeps the secret out of `mcp get`, `mcp list`, `status`, -p and every file it writes', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-oauth-clients-home-'));
    const dir = join(home, '.config', 'warden');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'mcp.json');
    const written = 'literal-Secret-in-the-file-42';
    writeFileSync(
      file,
      JSON.stringify({
        mcpServers: {
          tickets: { url, auth: { kind: 'oauth', clientId: 'warden-ci', clientSecret: '${TICKETS_CLIENT_SECRET}' } },
          literal: { url, auth: { kind: 'oauth', clientId: 'warden-ci', clientSecret: written } },
        },
      }),
    );
    const env = { HOME: home, TICKETS_CLIENT_SECRET: SECRET, WARDEN_TOKEN_STORE: 'file' };
    const run = async (...args: string[]): Promise<string> => {
      const cli = startCli(args, { env });
      await cli.exited;
      return `${cli.stdout()}\n${cli.stderr()}`;
    };
    try {
      const get = await run('mcp', 'get', 'tickets');
      expect(get).toMatch(/auth: +oauth · client "warden-ci" · client secret from \$\{TICKETS_CLIENT_SECRET\}/);
      expect(await run('mcp', 'get', 'literal')).toMatch(/client secret \(written in the file\)/);
      const outputs = [get, await run('mcp', 'list'), await run('status'), await run('-p', 'reverse secret', '--output', 'json')];
      const files = readdirSync(home, { recursive: true, encoding: 'utf8' })
        .map((f) => join(home, f))
        .filter((f) => f !== file && statSync(f).isFile())
        .map((f) => readFileSync(f, 'utf8'));
      for (const text of [...outputs, ...files]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(encodeURIComponent(SECRET));
        expect(text).not.toContain(written);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('a client ID metadata document (clientMetadataUrl)', () => {
  it('is the client where the provider supports them: no registration, tokens issued to its URL', async () => {
    const { op, url } = await protectedServer({
      clientMetadataDocuments: {
        [CIMD_URL]: {
          client_id: CIMD_URL,
          client_name: 'Warden',
          application_type: 'native',
          grant_types: [DEVICE_GRANT, 'refresh_token'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'none',
        },
      },
    });
    await signInAndCall(engineFor(url, { kind: 'oauth', clientMetadataUrl: CIMD_URL }, 'cimd'), op);
    expect(op.registrations()).toEqual([]);
    expect(op.clientAuth().every((s) => s.method === 'none' && s.clientId === CIMD_URL)).toBe(true);
    expect(decodeJwt(storedAccessToken('cimd'))).toMatchObject({ client_id: CIMD_URL });
  });

  it('where the provider does not say it supports them, a client is registered dynamically, as a native application', async () => {
    const { op, url } = await protectedServer({});
    await signInAndCall(engineFor(url, { kind: 'oauth', clientMetadataUrl: CIMD_URL }, 'cimd-unsupported'), op);
    expect(op.registrations()).toEqual([expect.objectContaining({ application_type: 'native', client_name: 'Warden', grant_types: [DEVICE_GRANT, 'refresh_token'] })]);
    expect(op.clientAuth().some((s) => s.clientId === CIMD_URL)).toBe(false);
  });
});
