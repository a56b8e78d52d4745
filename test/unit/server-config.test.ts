import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../mcp-server/config.js';
import { configError } from '../helpers/config-error.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const APP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const entra = { ENTRA_TENANT_ID: TENANT, ENTRA_API_AUDIENCE: APP };

describe('loadServerConfig', () => {
  it('derives everything from ENTRA_TENANT_ID and ENTRA_API_AUDIENCE', () => {
    const config = loadServerConfig(entra);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, reverseStepMs: 1000, legacySessions: false });
    expect(config.nws).toMatchObject({ baseUrl: 'https://api.weather.gov', timeoutMs: 10_000 });
    expect(config.auth).toEqual({
      verifier: {
        issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
        audiences: [APP, `api://${APP}`],
        keys: { kind: 'jwks', uri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`, maxAgeSeconds: 600 },
        tenantId: TENANT,
        allowedClientIds: [],
        clockToleranceSeconds: 60,
      },
      authorizationServers: [`https://login.microsoftonline.com/${TENANT}/v2.0`],
      requiredScopes: ['execute'],
      toolScopes: {},
      toolAcrs: {},
      publicTools: [],
      scopePrefix: `api://${APP}`,
    });
  });

  it('follows ENTRA_AUTHORITY_HOST (the dev identity provider) and accepts an api:// audience', () => {
    const config = loadServerConfig({ ...entra, ENTRA_API_AUDIENCE: `api://${APP}`, ENTRA_AUTHORITY_HOST: 'https://localhost:4443/' });
    expect(config.auth?.verifier.issuers[0]).toBe(`https://localhost:4443/${TENANT}/v2.0`);
    expect(config.auth?.verifier.keys).toEqual({ kind: 'jwks', uri: `https://localhost:4443/${TENANT}/discovery/v2.0/keys`, maxAgeSeconds: 600 });
    expect(config.auth?.verifier.audiences).toEqual([`api://${APP}`, APP]);
    expect(config.auth?.authorizationServers).toEqual([`https://localhost:4443/${TENANT}/v2.0`]);
  });

  it('takes generic OIDC settings and plain scope names', () => {
    const config = loadServerConfig({
      AUTH_ISSUER: 'https://issuer.example',
      AUTH_JWKS_URI: 'https://issuer.example/jwks',
      AUTH_AUDIENCE: 'mcp, mcp2',
      AUTH_REQUIRED_SCOPES: 'mcp.use',
      AUTH_TOOL_SCOPES: 'reverse=execute;get_forecast=weather.read weather.any',
      AUTH_PUBLIC_TOOLS: 'get_alerts',
      AUTH_ALLOWED_CLIENT_IDS: 'one,two',
    });
    expect(config.auth).toMatchObject({
      // A generic issuer's tokens are read by RFC 9068 (`scope`, `client_id`); Entra's never are.
      verifier: { issuers: ['https://issuer.example'], audiences: ['mcp', 'mcp2'], allowedClientIds: ['one', 'two'], claims: 'rfc9068' },
      authorizationServers: ['https://issuer.example'],
      requiredScopes: ['mcp.use'],
      toolScopes: { reverse: ['execute'], get_forecast: ['weather.read', 'weather.any'] },
      publicTools: ['get_alerts'],
    });
    expect(config.auth?.scopePrefix).toBeUndefined();
    expect(config.auth?.verifier.tenantId).toBeUndefined();
  });

  it('takes the JWKS max age from AUTH_JWKS_MAX_AGE_S', () => {
    expect(loadServerConfig({ ...entra, AUTH_JWKS_MAX_AGE_S: '60' }).auth?.verifier.keys).toMatchObject({ kind: 'jwks', maxAgeSeconds: 60 });
  });

  it('refuses a tool that is both public and scoped, naming the tool and both variables', () => {
    const text = configError(() => loadServerConfig({ ...entra, AUTH_PUBLIC_TOOLS: 'reverse,get_alerts', AUTH_TOOL_SCOPES: 'get_alerts=weather.read' }));
    expect(text).toBe('invalid AUTH_PUBLIC_TOOLS: get_alerts also has scopes in AUTH_TOOL_SCOPES; a public tool is called without a token, so remove it from one of the two');
  });

  it('lets flags override the environment', () => {
    const config = loadServerConfig({ ...entra, MCP_PORT: '9000', MCP_HOST: '127.0.0.2' }, { port: '0', host: 'localhost' });
    expect(config).toMatchObject({ port: 0, host: 'localhost' });
  });

  it('--no-auth needs no identity settings and binds loopback', () => {
    const config = loadServerConfig({ ENTRA_TENANT_ID: 'organizations' }, { noAuth: true });
    expect(config.auth).toBeUndefined();
    expect(config.host).toBe('127.0.0.1');
  });

  it('--no-auth refuses a non-loopback host unless --allow-remote-no-auth', () => {
    expect(configError(() => loadServerConfig({}, { noAuth: true, host: '0.0.0.0' }))).toBe(
      'invalid --host: --no-auth binds loopback only; add --allow-remote-no-auth to serve 0.0.0.0 without authentication',
    );
    expect(configError(() => loadServerConfig({ MCP_HOST: '0.0.0.0' }, { noAuth: true }))).toMatch(/^invalid MCP_HOST:/);
    expect(loadServerConfig({}, { noAuth: true, host: '0.0.0.0', allowRemoteNoAuth: true }).host).toBe('0.0.0.0');
  });

  it.each([
    [{}, {}, /^missing ENTRA_TENANT_ID: set ENTRA_TENANT_ID and ENTRA_API_AUDIENCE/],
    [{ ENTRA_TENANT_ID: TENANT }, {}, /^missing ENTRA_API_AUDIENCE:/],
    [{ AUTH_ISSUER: 'https://i.example', AUTH_AUDIENCE: 'x' }, {}, /^missing AUTH_JWKS_URI:/],
    [{ ...entra, ENTRA_TENANT_ID: 'organizations' }, {}, /^invalid ENTRA_TENANT_ID: the server needs one tenant/],
    [{ ...entra, MCP_PORT: 'eighty' }, {}, /^invalid MCP_PORT: expected a port number/],
    [{ ...entra }, { port: '70000' }, /^invalid --port:/],
    [{ ...entra, AUTH_PUBLIC_TOOLS: 'reverse,rm' }, {}, /^invalid AUTH_PUBLIC_TOOLS: unknown tool "rm" \(tools: reverse, get_alerts, get_forecast\)$/],
    [{ ...entra, AUTH_TOOL_SCOPES: 'nuke=all' }, {}, /^invalid AUTH_TOOL_SCOPES: unknown tool "nuke"/],
    [{ ...entra, AUTH_TOOL_SCOPES: 'reverse=' }, {}, /^invalid AUTH_TOOL_SCOPES: expected tool=scope/],
    [{ ...entra, AUTH_TOOL_ACRS: 'nuke=c1' }, {}, /^invalid AUTH_TOOL_ACRS: unknown tool "nuke" \(tools: reverse, get_alerts, get_forecast\)$/],
    [{ ...entra, AUTH_TOOL_ACRS: 'reverse=c1 "c2"' }, {}, /^invalid AUTH_TOOL_ACRS: expected tool=context\[ context\];… \(e\.g\. get_forecast=c1\) but got "reverse=c1 "c2""$/],
    [{ ...entra, AUTH_REQUIRED_SCOPES: 'a"b' }, {}, /^invalid AUTH_REQUIRED_SCOPES: expected scope names/],
    [{ ...entra, AUTH_JWKS_URI: 'http://keys.example/jwks' }, {}, /^invalid AUTH_JWKS_URI: expected an https URL/],
    [{ ...entra, NWS_BASE_URL: 'not a url' }, {}, /^invalid NWS_BASE_URL:/],
    [{ ...entra, REVERSE_STEP_MS: '-1' }, {}, /^invalid REVERSE_STEP_MS:/],
    [{ ...entra, AUTH_JWKS_MAX_AGE_S: '0' }, {}, /^invalid AUTH_JWKS_MAX_AGE_S:/],
    [{ ...entra, AUTH_JWKS_MAX_AGE_S: 'ten' }, {}, /^invalid AUTH_JWKS_MAX_AGE_S: expected seconds/],
    [{ ...entra, AUTH_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }, {}, /^invalid AUTH_PUBLIC_KEY_FILE: cannot read \/nonexistent\/key.pem \(ENOENT\)$/],
    [{ ...entra, WARDEN_DEV_CA_FILE: '/nonexistent/ca.pem' }, {}, /^invalid WARDEN_DEV_CA_FILE: cannot read/],
    [{ ...entra }, { allowRemoteNoAuth: true }, /^invalid --allow-remote-no-auth:/],
  ])('refuses %j %j with one line naming the variable', (env, flags, message) => {
    const text = configError(() => loadServerConfig(env, flags));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('checks that AUTH_PUBLIC_KEY_FILE holds a public key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-config-'));
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n');
    expect(configError(() => loadServerConfig({ ...entra, AUTH_PUBLIC_KEY_FILE: junk }))).toMatch(/holds no usable public key/);
  });
});
