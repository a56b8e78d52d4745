import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevIdp, type DevIdpOptions, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { connectClient, startTestServer } from '../helpers/server-harness.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

interface TestIdp {
  idp: RunningDevIdp;
  dataDir: string;
  logs: string[];
  get(path: string): Promise<Reply>;
  /** A form POST exactly like `curl -d a=b -d c=d URL`: urlencoded body, no Origin, nothing else. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Reply>;
  deviceCode(scope?: string): Promise<Record<string, string | number>>;
  poll(deviceCode: string, grantType?: string): Promise<Reply>;
  refresh(refreshToken: string): Promise<Reply>;
  jwks(): Promise<JSONWebKeySet>;
}

/** What a browser's form post asks for. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

const FULL_SCOPE = (idp: RunningDevIdp) => `${idp.apiScope} openid profile offline_access`;

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const running: RunningDevIdp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((idp) => idp.close()));
});

function newDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'warden-dev-idp-')), 'data');
}

async function start(options: Partial<DevIdpOptions> = {}): Promise<TestIdp> {
  const dataDir = options.dataDir ?? newDataDir();
  const logs: string[] = [];
  const idp = await startDevIdp({ port: 0, pollIntervalSeconds: 0, now: () => clock, log: (line) => logs.push(line), ...options, dataDir });
  running.push(idp);
  // Trust exactly the provider's certificate, as the agent does with WARDEN_DEV_CA_FILE.
  const dispatcher = new Agent({ connect: { ca: readFileSync(idp.caFile, 'utf8') } });
  const send = async (path: string, init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }): Promise<Reply> => {
    const response = await request(new URL(path, idp.authorityHost), { ...init, dispatcher });
    const text = await response.body.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // HTML pages
    }
    return { status: response.statusCode, headers: response.headers, text, json };
  };
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    send(path, { method: 'POST', body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const tenant = `/${idp.tenantId}`;
  return {
    idp,
    dataDir,
    logs,
    get: (path) => send(path, { method: 'GET' }),
    post,
    deviceCode: async (scope = FULL_SCOPE(idp)) => {
      const reply = await post(`${tenant}/oauth2/v2.0/devicecode`, { client_id: idp.clientId, scope });
      expect(reply.status).toBe(200);
      return reply.json as Record<string, string | number>;
    },
    poll: (deviceCode, grantType = 'device_code') =>
      post(`${tenant}/oauth2/v2.0/token`, { client_id: idp.clientId, grant_type: grantType, device_code: deviceCode, client_info: '1', scope: FULL_SCOPE(idp) }),
    refresh: (refreshToken) =>
      post(`${tenant}/oauth2/v2.0/token`, { client_id: idp.clientId, grant_type: 'refresh_token', refresh_token: refreshToken, client_info: '1', scope: FULL_SCOPE(idp) }),
    jwks: async () => (await send(`${tenant}/discovery/v2.0/keys`, { method: 'GET' })).json as unknown as JSONWebKeySet,
  };
}

/** Device code → approval on the verification page (curl-style form POST) → tokens. */
async function signIn(t: TestIdp): Promise<Record<string, string | number>> {
  const code = await t.deviceCode();
  const approved = await t.post('/devicelogin', { user_code: String(code.user_code) });
  expect(approved.status).toBe(200);
  const tokens = await t.poll(String(code.device_code));
  expect(tokens.status).toBe(200);
  return tokens.json as Record<string, string | number>;
}

describe('dev identity provider: discovery and keys', () => {
  it('serves Entra-shaped OpenID discovery whose issuer matches the authority exactly', async () => {
    const t = await start();
    const { idp } = t;
    const port = new URL(idp.authorityHost).port;
    expect(idp.authorityHost).toBe(`https://localhost:${port}`);
    expect(idp.issuer).toBe(`https://localhost:${port}/${idp.tenantId}/v2.0`);
    for (const path of [`/${idp.tenantId}/v2.0/.well-known/openid-configuration`, `/${idp.tenantId}/.well-known/openid-configuration`]) {
      const reply = await t.get(path);
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({
        issuer: idp.issuer,
        jwks_uri: idp.jwksUri,
        token_endpoint: `${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/devicecode`,
        authorization_endpoint: `${idp.authorityHost}/${idp.tenantId}/oauth2/v2.0/authorize`,
        end_session_endpoint: expect.any(String),
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    expect(idp.stats().discoveryRequests).toBe(2);
    expect(idp.jwksUri).toBe(`${idp.authorityHost}/${idp.tenantId}/discovery/v2.0/keys`);
    const jwks = await t.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String), e: 'AQAB' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(Buffer.from(String(jwks.keys[0]?.n), 'base64url')).toHaveLength(256); // RSA 2048
  });

  it('prints env lines that point the agent and the server at it', async () => {
    const { idp } = await start();
    expect(idp.apiAudience).toMatch(/^api:\/\/[0-9a-f-]{36}$/);
    expect(idp.apiScope).toBe(`${idp.apiAudience}/execute`);
    expect(idp.envLines()).toEqual([
      `ENTRA_AUTHORITY_HOST=${idp.authorityHost}`,
      `ENTRA_TENANT_ID=${idp.tenantId}`,
      `ENTRA_CLIENT_ID=${idp.clientId}`,
      `ENTRA_API_SCOPE=${idp.apiScope}`,
      `ENTRA_API_AUDIENCE=${idp.tokenAudience}`,
      `WARDEN_DEV_CA_FILE=${idp.caFile}`,
    ]);
  });

  it('prints as ENTRA_API_AUDIENCE the aud its access tokens carry (a server comparing aud exactly accepts them)', async () => {
    const t = await start();
    const printed = t.idp
      .envLines()
      .find((line) => line.startsWith('ENTRA_API_AUDIENCE='))
      ?.slice('ENTRA_API_AUDIENCE='.length);
    const tokens = await signIn(t);
    expect(decodeJwt(String(tokens.access_token)).aud).toBe(printed);
    expect(t.idp.apiScope.startsWith(`api://${printed}/`)).toBe(true);
  });

  it('takes its ids, scope name and user from options (an API GUID becomes api://GUID)', async () => {
    const ids = { tenantId: '11111111-2222-3333-4444-555555555555', clientId: '99999999-8888-7777-6666-555555555555', apiAudience: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' };
    const t = await start({ ...ids, apiScopeName: 'tools.call', user: { name: 'Ada Lovelace', username: 'ada@example.test' } });
    expect(t.idp).toMatchObject({ tenantId: ids.tenantId, clientId: ids.clientId, apiAudience: `api://${ids.apiAudience}`, apiScope: `api://${ids.apiAudience}/tools.call` });
    const tokens = await signIn(t);
    expect(decodeJwt(String(tokens.access_token))).toMatchObject({
      aud: ids.apiAudience,
      scp: 'tools.call',
      tid: ids.tenantId,
      azp: ids.clientId,
      name: 'Ada Lovelace',
      preferred_username: 'ada@example.test',
    });
  });

  it('refuses another tenant and unknown paths with OAuth-style JSON', async () => {
    const t = await start();
    const other = await t.get('/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration');
    expect(other.status).toBe(400);
    expect(other.json.error).toBe('invalid_tenant');
    expect((await t.get(`/${t.idp.tenantId}/nothing/here`)).status).toBe(404);
    const wrongMethod = await t.get(`/${t.idp.tenantId}/oauth2/v2.0/token`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('publishes a rotated key next to the old one, signs with the new one, and can drop the old', async () => {
    const t = await start();
    const before = (await signIn(t)).access_token as string;
    const oldKid = decodeProtectedHeader(before).kid;
    await t.idp.rotateKeys();
    const kids = (await t.jwks()).keys.map((k) => k.kid);
    expect(kids).toHaveLength(2);
    expect(kids[0]).toBe(oldKid);
    const after = (await signIn(t)).access_token as string;
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).toBe(kids[1]);
    // Both tokens verify against the published set.
    const keySet = createLocalJWKSet(await t.jwks());
    for (const token of [before, after]) await jwtVerify(token, keySet, { currentDate: new Date(clock) });

    await t.idp.rotateKeys({ dropOld: true });
    const remaining = (await t.jwks()).keys.map((k) => k.kid);
    expect(remaining).toHaveLength(1);
    expect(remaining).not.toContain(oldKid);
    expect(remaining).not.toContain(newKid);
  });
});

describe('dev identity provider: device code flow (RFC 8628)', () => {
  it('issues a readable user code with every field MSAL needs', async () => {
    const t = await start({ pollIntervalSeconds: 5, deviceCodeLifetimeSeconds: 600 });
    const code = await t.deviceCode();
    expect(code.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(code.device_code).toEqual(expect.any(String));
    expect(String(code.device_code).length).toBeGreaterThanOrEqual(40);
    expect(code).toMatchObject({
      verification_uri: t.idp.verificationUri,
      verification_uri_complete: `${t.idp.verificationUri}?code=${code.user_code}`,
      expires_in: 600,
      interval: 5,
    });
    expect(t.idp.verificationUri).toBe(`${t.idp.authorityHost}/devicelogin`);
    // The page's way without a browser names the certificate file itself, not a variable the reader's shell does not have.
    const page = await t.get('/devicelogin');
    expect(page.text).toContain(`curl --cacert ${t.idp.caFile} -d user_code=CODE ${t.idp.verificationUri}`);
    expect(page.text).not.toContain('$WARDEN_DEV_CA_FILE');
    expect(code.message).toContain(String(code.user_code));
    expect(code.message).toContain(t.idp.verificationUri);
    expect(t.idp.stats().deviceCodeRequests).toBe(1);
  });

  it('completes the whole flow over HTTPS and returns Entra v2 tokens', async () => {
    const t = await start();
    const { idp } = t;
    const code = await t.deviceCode();
    const pending = await t.poll(String(code.device_code));
    expect(pending.status).toBe(400);
    expect(pending.json.error).toBe('authorization_pending');

    const approved = await t.post('/devicelogin', { user_code: String(code.user_code) });
    expect(approved.status).toBe(200);
    expect(approved.text).toMatch(/^Signed in as .* \(dev@warden\.example\) for code /);

    const reply = await t.poll(String(code.device_code));
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const tokens = reply.json;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(String(tokens.scope).split(' ')).toEqual([idp.apiScope, 'openid', 'profile', 'offline_access']);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const keySet = createLocalJWKSet(await t.jwks());
    const apiAppId = idp.apiAudience.replace('api://', '');
    const access = await jwtVerify(String(tokens.access_token), keySet, { issuer: idp.issuer, audience: apiAppId, currentDate: new Date(clock) });
    expect(access.protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const iat = Math.floor(clock / 1000);
    expect(access.payload).toMatchObject({
      iss: idp.issuer,
      aud: apiAppId,
      scp: 'execute',
      azp: idp.clientId,
      tid: idp.tenantId,
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sub: expect.any(String),
      name: 'Dev User',
      preferred_username: 'dev@warden.example',
      iat,
      nbf: iat,
      exp: iat + 3600,
      ver: '2.0',
    });

    const id = await jwtVerify(String(tokens.id_token), keySet, { issuer: idp.issuer, audience: idp.clientId, currentDate: new Date(clock) });
    expect(id.payload).toMatchObject({ tid: idp.tenantId, oid: access.payload.oid, preferred_username: 'dev@warden.example', name: 'Dev User', ver: '2.0' });
    expect(JSON.parse(Buffer.from(String(tokens.client_info), 'base64url').toString())).toEqual({ uid: access.payload.oid, utid: idp.tenantId });
  });

  it('accepts the RFC 8628 grant type URN as well as Entra short form', async () => {
    const t = await start();
    const code = await t.deviceCode();
    await t.idp.approve(String(code.user_code));
    const reply = await t.poll(String(code.device_code), 'urn:ietf:params:oauth:grant-type:device_code');
    expect(reply.status).toBe(200);
    expect(reply.json.access_token).toEqual(expect.any(String));
  });

  it('redeems a device code once only', async () => {
    const t = await start();
    const code = await t.deviceCode();
    await t.idp.approve(String(code.user_code));
    expect((await t.poll(String(code.device_code))).status).toBe(200);
    const again = await t.poll(String(code.device_code));
    expect(again.status).toBe(400);
    expect(again.json.error).toBe('invalid_grant');
    // The user code is gone too.
    const page = await t.post('/devicelogin', { user_code: String(code.user_code) });
    expect(page.status).toBe(400);
    await expect(t.idp.approve(String(code.user_code))).rejects.toThrow(/unknown/);
  });

  it('answers slow_down to a client that polls faster than the interval, and widens the interval', async () => {
    const t = await start({ pollIntervalSeconds: 5 });
    const code = await t.deviceCode();
    const deviceCode = String(code.device_code);
    expect((await t.poll(deviceCode)).json.error).toBe('authorization_pending');
    clock += 4500; // a little early is network jitter, not a fast poller (MSAL throws on slow_down)
    expect((await t.poll(deviceCode)).json.error).toBe('authorization_pending');
    clock += 1000;
    const slow = await t.poll(deviceCode);
    expect(slow.status).toBe(400);
    expect(slow.json.error).toBe('slow_down');
    clock += 6000; // fine at first, but the interval is now 10 s
    expect((await t.poll(deviceCode)).json.error).toBe('slow_down');
    clock += 15_000; // and now 15 s
    expect((await t.poll(deviceCode)).json.error).toBe('authorization_pending');
    clock += 10_000;
    await t.idp.approve(String(code.user_code));
    expect((await t.poll(deviceCode)).status).toBe(200);
  });

  it('expires codes: expired_token for the client, a clear 400 page for the user', async () => {
    const t = await start({ deviceCodeLifetimeSeconds: 60 });
    const code = await t.deviceCode();
    clock += 60_000;
    const expired = await t.poll(String(code.device_code));
    expect(expired.status).toBe(400);
    expect(expired.json.error).toBe('expired_token');
    const page = await t.post('/devicelogin', { user_code: String(code.user_code) });
    expect(page.status).toBe(400);
    expect(page.text).toContain('has expired');
    await expect(t.idp.approve(String(code.user_code))).rejects.toThrow(/expired/);
  });

  it('tells the client access_denied when the user presses Deny', async () => {
    const t = await start();
    const code = await t.deviceCode();
    const denied = await t.post('/devicelogin', { user_code: String(code.user_code), action: 'deny' });
    expect(denied.status).toBe(200);
    expect(denied.text).toMatch(/^Declined the sign-in/);
    const reply = await t.poll(String(code.device_code));
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('access_denied');
    // A declined code cannot be approved afterwards.
    const approve = await t.post('/devicelogin', { user_code: String(code.user_code) });
    expect(approve.status).toBe(400);
    expect(approve.text).toContain('already declined');
  });

  it('deny() from the API declines like the page does', async () => {
    const t = await start();
    const code = await t.deviceCode();
    await t.idp.deny(String(code.user_code));
    expect((await t.poll(String(code.device_code))).json.error).toBe('access_denied');
  });

  it('accepts the user code typed loosely (lower case, without the dash)', async () => {
    const t = await start();
    const code = await t.deviceCode();
    const typed = String(code.user_code).replace('-', '').toLowerCase();
    expect((await t.post('/devicelogin', { user_code: ` ${typed} ` })).status).toBe(200);
    expect((await t.poll(String(code.device_code))).status).toBe(200);
  });

  it('refuses unknown clients, scopes and grant types with OAuth errors', async () => {
    const t = await start();
    const tenant = `/${t.idp.tenantId}/oauth2/v2.0`;
    const cases: [string, Record<string, string>, string][] = [
      ['devicecode', { client_id: 'someone-else', scope: t.idp.apiScope }, 'invalid_client'],
      ['devicecode', { scope: t.idp.apiScope }, 'invalid_request'],
      ['devicecode', { client_id: t.idp.clientId, scope: 'api://other/execute openid' }, 'invalid_scope'],
      ['devicecode', { client_id: t.idp.clientId, scope: `${t.idp.apiAudience}/admin` }, 'invalid_scope'],
      ['devicecode', { client_id: t.idp.clientId, scope: 'openid profile' }, 'invalid_scope'],
      ['token', { client_id: t.idp.clientId, grant_type: 'password' }, 'unsupported_grant_type'],
      ['token', { client_id: t.idp.clientId, grant_type: 'device_code' }, 'invalid_request'],
      ['token', { client_id: t.idp.clientId, grant_type: 'device_code', device_code: 'made-up' }, 'invalid_grant'],
      ['token', { client_id: t.idp.clientId, grant_type: 'refresh_token', refresh_token: 'made-up' }, 'invalid_grant'],
    ];
    for (const [endpoint, form, error] of cases) {
      const reply = await t.post(`${tenant}/${endpoint}`, form);
      expect({ endpoint, form, status: reply.status, error: reply.json.error, hasDescription: typeof reply.json.error_description }).toEqual({
        endpoint,
        form,
        status: 400,
        error,
        hasDescription: 'string',
      });
    }
    // .default means every scope of the API.
    const code = await t.deviceCode(`${t.idp.apiAudience}/.default offline_access`);
    await t.idp.approve(String(code.user_code));
    const tokens = (await t.poll(String(code.device_code))).json;
    expect(decodeJwt(String(tokens.access_token)).scp).toBe('execute');
  });
});

describe('dev identity provider: refresh tokens', () => {
  it('rotates the refresh token on each use; the old one is refused', async () => {
    const t = await start();
    const first = await signIn(t);
    clock += 60_000;
    const refreshed = await t.refresh(String(first.refresh_token));
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).toEqual(expect.any(String));
    expect(refreshed.json.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.json.access_token).not.toBe(first.access_token);
    expect(decodeJwt(String(refreshed.json.access_token)).iat).toBe(Math.floor(clock / 1000));
    expect(String(refreshed.json.scope)).toContain(t.idp.apiScope);
    expect(refreshed.json.id_token).toEqual(expect.any(String));

    const replayed = await t.refresh(String(first.refresh_token));
    expect(replayed.status).toBe(400);
    expect(replayed.json).toMatchObject({ error: 'invalid_grant', suberror: 'bad_token' });
    expect((await t.refresh(String(refreshed.json.refresh_token))).status).toBe(200);
  });

  it('issues no refresh token without offline_access', async () => {
    const t = await start();
    const code = await t.deviceCode(`${t.idp.apiScope} openid`);
    await t.idp.approve(String(code.user_code));
    const tokens = (await t.poll(String(code.device_code))).json;
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toEqual(expect.any(String));
  });

  it('refuses every refresh token after revokeRefreshTokens()', async () => {
    const t = await start();
    const tokens = await signIn(t);
    t.idp.revokeRefreshTokens();
    expect((await t.refresh(String(tokens.refresh_token))).json.error).toBe('invalid_grant');
  });

  it('expires refresh tokens after their lifetime', async () => {
    const t = await start({ refreshTokenLifetimeSeconds: 3600 });
    const tokens = await signIn(t);
    clock += 3600_000;
    expect((await t.refresh(String(tokens.refresh_token))).json.error).toBe('invalid_grant');
  });
});

describe('dev identity provider: verification page', () => {
  it('shows a form with the code pre-filled from verification_uri_complete', async () => {
    const t = await start();
    const code = await t.deviceCode();
    const page = await t.get(String(code.verification_uri_complete));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toMatch(/not for production/i);
    expect(page.text).toContain(`name="user_code" value="${code.user_code}"`);
    expect(page.text).toContain('<form method="post" action="/devicelogin">');
    expect(page.text).toMatch(/<button[^>]*value="approve"[^>]*>Approve<\/button>/);
    expect(page.text).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
    expect((await t.get('/devicelogin?user_code=BCDF-GHJK')).text).toContain('value="BCDF-GHJK"');
    expect((await t.get('/devicelogin')).text).toContain('name="user_code" value=""');
  });

  it('escapes what it echoes', async () => {
    const t = await start();
    const page = await t.get(`/devicelogin?code=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&quot;&gt;&lt;script&gt;');
    const post = await t.post('/devicelogin', { user_code: '<b>x</b>' }, BROWSER);
    expect(post.status).toBe(400);
    expect(post.text).not.toContain('<b>x</b>');
  });

  it('says clearly when a code is unknown or missing (400)', async () => {
    const t = await start();
    const unknown = await t.post('/devicelogin', { user_code: 'BCDF-GHJK' }, BROWSER);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('The code BCDF-GHJK is not known');
    expect(unknown.text).toContain('name="user_code"'); // the form again, to retry
    const missing = await t.post('/devicelogin', {});
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter the code shown in your terminal');
  });

  it('answers curl with one line of plain text and a browser with a page', async () => {
    const t = await start();
    const first = await t.deviceCode();
    const curl = await t.post('/devicelogin', { user_code: String(first.user_code) }, { accept: '*/*' });
    expect(curl.status).toBe(200);
    expect(curl.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(curl.text).toBe(`Signed in as Dev User (dev@warden.example) for code ${first.user_code}. Return to your terminal.\n`);
    const refused = await t.post('/devicelogin', { user_code: 'BCDF-GHJK' });
    expect(refused.text).toBe('Not signed in: The code BCDF-GHJK is not known. Check it against your terminal, or start the sign-in again.\n');

    const second = await t.deviceCode();
    const browser = await t.post('/devicelogin', { user_code: String(second.user_code) }, BROWSER);
    expect(browser.status).toBe(200);
    expect(browser.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(browser.text).toMatch(/^<!doctype html>[\s\S]*You are signed in as <strong>/);
  });

  it('refuses a form posted from another site, but not one from its own page', async () => {
    const t = await start();
    const code = await t.deviceCode();
    const foreign = await t.post('/devicelogin', { user_code: String(code.user_code) }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await t.post('/devicelogin', { user_code: String(code.user_code) }, { origin: 'null' })).status).toBe(403);
    expect((await t.poll(String(code.device_code))).json.error).toBe('authorization_pending');
    const own = await t.post('/devicelogin', { user_code: String(code.user_code), action: 'approve' }, { origin: t.idp.authorityHost });
    expect(own.status).toBe(200);
  });

  it('never logs tokens, device codes or refresh tokens (user codes are fine)', async () => {
    const t = await start();
    const code = await t.deviceCode();
    await t.post('/devicelogin', { user_code: String(code.user_code) });
    const tokens = (await t.poll(String(code.device_code))).json;
    const refreshed = (await t.refresh(String(tokens.refresh_token))).json;
    await t.refresh(String(tokens.refresh_token)); // a refused replay is logged too
    const log = t.logs.join('\n');
    expect(log).toContain(String(code.user_code));
    for (const secret of [code.device_code, tokens.access_token, tokens.refresh_token, tokens.id_token, refreshed.refresh_token, refreshed.access_token]) {
      expect(log).not.toContain(String(secret));
    }
  });
});

describe('dev identity provider: data directory', () => {
  it('creates its directory 0700 and its files 0600', async () => {
    const t = await start();
    await signIn(t);
    expect(statSync(t.dataDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(t.dataDir);
    expect(files.sort()).toEqual(['refresh-tokens.json', 'signing-keys.json', 'state.json', 'tls-cert.pem', 'tls-key.pem']);
    for (const file of files) expect({ file, mode: statSync(join(t.dataDir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    // Only hashes of refresh tokens are stored.
    const stored = readFileSync(join(t.dataDir, 'refresh-tokens.json'), 'utf8');
    expect(stored).not.toContain('dev-rt.');
  });

  it('makes a self-signed certificate for localhost and 127.0.0.1', async () => {
    const { idp } = await start();
    const cert = new X509Certificate(readFileSync(idp.caFile));
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.subject).toBe(cert.issuer);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600_000);
    // Without trusting it, TLS fails (no silent fallback to http or to "insecure").
    await expect(request(`${idp.authorityHost}/`)).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('keeps certificate, keys, ids, port and sessions across restarts', async () => {
    const first = await start({ port: undefined });
    const tokens = await signIn(first);
    const before = { cert: readFileSync(first.idp.caFile, 'utf8'), jwks: await first.jwks(), env: first.idp.envLines() };
    await first.idp.close();

    const second = await start({ port: undefined, dataDir: first.dataDir });
    expect(readFileSync(second.idp.caFile, 'utf8')).toBe(before.cert);
    expect(await second.jwks()).toEqual(before.jwks);
    // Same port when it is still free, so the printed .env lines stay valid.
    expect(second.idp.envLines()).toEqual(before.env);
    // A session started before the restart can still refresh.
    expect((await second.refresh(String(tokens.refresh_token))).status).toBe(200);
    expect(second.logs.join('\n')).not.toContain('new TLS certificate');
  });
});

describe('dev identity provider: ports', () => {
  it("falls back to a free port when last run's port is taken, and refuses a taken explicit port", async () => {
    const first = await start({ port: undefined });
    const port = Number(new URL(first.idp.authorityHost).port);
    await first.idp.close();
    const squatter = await start({ port }); // another provider (own data dir) now holds that port
    const second = await start({ port: undefined, dataDir: first.dataDir });
    expect(Number(new URL(second.idp.authorityHost).port)).not.toBe(port);
    expect((await second.get(`/${second.idp.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    await expect(startDevIdp({ port, dataDir: newDataDir() })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: address already in use`);
    await squatter.idp.close();
  });
});

describe('dev identity provider with the real MCP server', () => {
  it('the server accepts its access tokens and refuses them once expired', async () => {
    const t = await start({ tokenLifetimeSeconds: 300 });
    let serverClock = clock;
    const env = Object.fromEntries(t.idp.envLines().map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    const server = await startTestServer(env, {}, { now: () => serverClock });
    try {
      const token = String((await signIn(t)).access_token);
      const client = await connectClient(server.server.url, { token });
      const result = await client.callTool({ name: 'reverse', arguments: { text: 'idp' } });
      expect(result.content).toEqual([{ type: 'text', text: 'pdi' }]);
      await client.close();

      const exp = decodeJwt(token).exp as number;
      serverClock = (exp + 61) * 1000; // past the server's 60 s of clock skew
      const refused = await fetch(server.server.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await server.server.close();
    }
  });
});
