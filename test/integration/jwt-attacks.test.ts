import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_APP_ID, CLIENT_APP_ID, hmacWithPublicKey, signRs256Raw, startTokenMinter, TENANT_ID, unsignedToken, type TokenMinter } from '../helpers/token-minter.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

interface Answer {
  status: number;
  challenge: string | undefined;
}

/** A raw POST of tools/list, so every header (even a duplicated one) goes out exactly as written. */
function post(url: string, authorization?: string | string[]): Promise<Answer> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }));
    });
    req.setHeader('Content-Type', 'application/json');
    req.setHeader('Accept', 'application/json, text/event-stream');
    if (authorization !== undefined) req.setHeader('Authorization', authorization);
    req.on('error', reject);
    req.end(body);
  });
}

type Case = {
  name: string;
  /** The Authorization header value(s) to send, or undefined for none. */
  authorization: (m: TokenMinter) => Promise<string | string[] | undefined>;
  query?: (m: TokenMinter) => Promise<string>;
  status: number;
  /** Expected `error=` in the challenge; null = a challenge without error. */
  error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null;
  description?: RegExp;
};

const bearer = (token: string) => `Bearer ${token}`;
const now = () => Math.floor(Date.now() / 1000);

const attacks: Case[] = [
  { name: 'no token', authorization: async () => undefined, status: 401, error: null },
  { name: 'another scheme (Basic)', authorization: async () => 'Basic dXNlcjpwYXNz', status: 401, error: null },
  { name: 'Bearer without a token', authorization: async () => 'Bearer', status: 400, error: 'invalid_request' },
  { name: 'malformed header (two tokens)', authorization: async (m) => `Bearer ${await m.mint()} extra`, status: 400, error: 'invalid_request' },
  {
    name: 'two Authorization headers',
    authorization: async (m) => [bearer(await m.mint()), bearer(await m.mint())],
    status: 400,
    error: 'invalid_request',
    description: /more than one/,
  },
  {
    name: 'token in the query string',
    authorization: async () => undefined,
    query: async (m) => `access_token=${await m.mint()}`,
    status: 400,
    error: 'invalid_request',
    description: /query string/,
  },
  {
    name: 'token in the query string and the header',
    authorization: async (m) => bearer(await m.mint()),
    query: async (m) => `access_token=${await m.mint()}`,
    status: 400,
    error: 'invalid_request',
  },
  { name: 'alg: none', authorization: async (m) => bearer(unsignedToken(m.claims())), status: 401, error: 'invalid_token', description: /algorithm not allowed/ },
  {
    name: 'HS256 signed with the public key (key confusion)',
    authorization: async (m) => bearer(hmacWithPublicKey(m.claims(), m.current().publicPem, m.current().kid)),
    status: 401,
    error: 'invalid_token',
    description: /algorithm not allowed/,
  },
  {
    name: 'signed with another key under the published kid',
    authorization: async (m) => bearer(await m.mint({}, { key: await m.newKey(), kid: m.current().kid })),
    status: 401,
    error: 'invalid_token',
    description: /invalid signature/,
  },
  { name: 'unknown kid', authorization: async (m) => bearer(await m.mint({}, { key: await m.newKey() })), status: 401, error: 'invalid_token', description: /unknown signing key/ },
  {
    name: 'ES256 token naming the RSA key’s kid',
    authorization: async (m) => bearer(await m.mint({}, { key: await m.newKey('ES256'), kid: m.current().kid })),
    status: 401,
    error: 'invalid_token',
    description: /unknown signing key/,
  },
  {
    name: 'attacker key embedded in the jwk header',
    authorization: async (m) => {
      const key = await m.newKey();
      return bearer(await m.mint({}, { key, kid: null, header: { jwk: key.publicJwk } }));
    },
    status: 401,
    error: 'invalid_token',
    description: /invalid signature/,
  },
  {
    name: 'jku header pointing at an attacker JWKS',
    authorization: async (m) => bearer(await m.mint({}, { key: await m.newKey(), header: { jku: 'http://127.0.0.1:1/keys' } })),
    status: 401,
    error: 'invalid_token',
    description: /unknown signing key/,
  },
  {
    name: 'unknown critical header',
    authorization: async (m) => bearer(signRs256Raw({ crit: ['x-unknown'], 'x-unknown': 1 }, m.claims(), m.current())),
    status: 401,
    error: 'invalid_token',
    description: /unsupported/,
  },
  {
    name: 'expired',
    authorization: async (m) => bearer(await m.mint({ exp: now() - 600, iat: now() - 4000, nbf: now() - 4000 })),
    status: 401,
    error: 'invalid_token',
    description: /expired/,
  },
  { name: 'no exp claim', authorization: async (m) => bearer(await m.mint({ exp: undefined })), status: 401, error: 'invalid_token', description: /no expiry/ },
  { name: 'exp as a string', authorization: async (m) => bearer(await m.mint({ exp: String(now() + 3600) })), status: 401, error: 'invalid_token', description: /expiry invalid/ },
  { name: 'nbf in the future', authorization: async (m) => bearer(await m.mint({ nbf: now() + 600 })), status: 401, error: 'invalid_token', description: /not yet valid/ },
  { name: 'wrong issuer', authorization: async (m) => bearer(await m.mint({ iss: 'https://evil.example/v2.0' })), status: 401, error: 'invalid_token', description: /issuer/ },
  {
    name: 'issuer of another tenant',
    authorization: async (m) => bearer(await m.mint({ iss: `${m.authorityHost}/00000000-0000-0000-0000-000000000000/v2.0` })),
    status: 401,
    error: 'invalid_token',
    description: /issuer/,
  },
  { name: 'wrong audience', authorization: async (m) => bearer(await m.mint({ aud: 'api://some-other-api' })), status: 401, error: 'invalid_token', description: /audience/ },
  {
    name: 'an ID token (aud = the client app)',
    authorization: async (m) => bearer(await m.mint({ aud: CLIENT_APP_ID })),
    status: 401,
    error: 'invalid_token',
    description: /audience/,
  },
  {
    name: 'wrong tenant (tid)',
    authorization: async (m) => bearer(await m.mint({ tid: '00000000-0000-0000-0000-000000000000' })),
    status: 401,
    error: 'invalid_token',
    description: /tenant/,
  },
  { name: 'no tid', authorization: async (m) => bearer(await m.mint({ tid: undefined })), status: 401, error: 'invalid_token', description: /no tenant/ },
  {
    name: 'client not in the allowlist',
    authorization: async (m) => bearer(await m.mint({ azp: 'c0ffee00-0000-0000-0000-000000000000' })),
    status: 401,
    error: 'invalid_token',
    description: /client/,
  },
  { name: 'missing scope', authorization: async (m) => bearer(await m.mint({ scp: 'openid profile' })), status: 403, error: 'insufficient_scope', description: /execute/ },
  {
    name: 'scope only in an unrelated claim',
    authorization: async (m) => bearer(await m.mint({ scp: undefined, scope: 'execute' })),
    status: 403,
    error: 'insufficient_scope',
    description: /execute/,
  },
  { name: 'scope as a substring of another', authorization: async (m) => bearer(await m.mint({ scp: 'execute.all' })), status: 403, error: 'insufficient_scope' },
  {
    name: 'stripped signature',
    authorization: async (m) => bearer(`${(await m.mint()).split('.').slice(0, 2).join('.')}.`),
    status: 401,
    error: 'invalid_token',
    description: /invalid signature/,
  },
  {
    name: 'tampered payload (scope added) with the original signature',
    authorization: async (m) => {
      const [header, , signature] = (await m.mint({ scp: 'openid' })).split('.');
      const payload = Buffer.from(JSON.stringify(m.claims({ scp: 'execute' }))).toString('base64url');
      return bearer(`${header}.${payload}.${signature}`);
    },
    status: 401,
    error: 'invalid_token',
    description: /invalid signature/,
  },
  { name: 'bad base64 (not b64token characters)', authorization: async () => 'Bearer abc!.def?.ghi', status: 400, error: 'invalid_request' },
  { name: 'base64 segments that are not JSON', authorization: async () => 'Bearer abc.def.ghi', status: 401, error: 'invalid_token', description: /malformed/ },
  { name: 'not a JWT at all', authorization: async () => 'Bearer opaque-token-value', status: 401, error: 'invalid_token', description: /malformed/ },
  {
    name: 'oversize token (10 KB)',
    authorization: async (m) => bearer(await m.mint({ padding: 'x'.repeat(10_000) })),
    status: 401,
    error: 'invalid_token',
    description: /too large/,
  },
];

const accepted: { name: string; authorization: (m: TokenMinter) => Promise<string> }[] = [
  { name: 'a valid v2 token', authorization: async (m) => bearer(await m.mint()) },
  { name: 'scheme in lower case', authorization: async (m) => `bearer ${await m.mint()}` },
  {
    name: 'a v1 token (sts.windows.net issuer, api:// audience, appid)',
    authorization: async (m) =>
      bearer(await m.mint({ iss: `https://sts.windows.net/${TENANT_ID}/`, aud: `api://${API_APP_ID}`, azp: undefined, appid: CLIENT_APP_ID, ver: '1.0' })),
  },
  { name: 'an app token with the role instead of scp', authorization: async (m) => bearer(await m.mint({ scp: undefined, roles: ['execute'] })) },
  { name: 'expired 30 s ago (within the 60 s clock skew)', authorization: async (m) => bearer(await m.mint({ exp: now() - 30 })) },
];

describe('JWT attack suite: every bad token is refused with the right status and challenge', () => {
  let minter: TokenMinter;
  let t: TestServer;
  let metadataUrl: string;

  beforeAll(async () => {
    minter = await startTokenMinter();
    t = await startTestServer({
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_API_AUDIENCE: API_APP_ID,
      ENTRA_AUTHORITY_HOST: minter.authorityHost,
      AUTH_ALLOWED_CLIENT_IDS: CLIENT_APP_ID,
    });
    metadataUrl = `${t.server.origin}/.well-known/oauth-protected-resource/mcp`;
  });
  afterAll(async () => {
    await t.server.close();
    await minter.close();
  });

  it('runs as many attack cases as docs/server.md says it does', () => {
    const page = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');
    const claimed = page.match(/(\d+) JWT attacks/)?.[1];
    expect(attacks.length).toBeGreaterThanOrEqual(25);
    expect(claimed && Number(claimed)).toBe(attacks.length);
  });

  it.each(attacks)('refuses: $name', async (attack) => {
    const query = attack.query ? `?${await attack.query(minter)}` : '';
    const answer = await post(`${t.server.url}${query}`, await attack.authorization(minter));
    expect(answer.status).toBe(attack.status);
    const challenge = answer.challenge ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(challenge).toContain(`scope="api://${API_APP_ID}/execute"`);
    if (attack.error === null) expect(challenge).not.toContain('error=');
    else expect(challenge).toContain(`error="${attack.error}"`);
    if (attack.description) expect(challenge).toMatch(new RegExp(`error_description="[^"]*${attack.description.source}`));
  });

  it.each(accepted)('accepts: $name', async (ok) => {
    const answer = await post(t.server.url, await ok.authorization(minter));
    expect(answer.status).toBe(200);
    expect(answer.challenge).toBeUndefined();
  });

  it('never writes a token to the log', async () => {
    const token = await minter.mint({ aud: 'api://wrong' });
    await post(t.server.url, bearer(token));
    await post(t.server.url, bearer(await minter.mint()));
    const log = JSON.stringify(t.logger.records);
    expect(log).not.toContain(token.split('.')[2]);
    expect(t.logger.events('auth refused').length).toBeGreaterThan(attacks.length - 2);
  });
});

describe('when the signing keys cannot be fetched', () => {
  it('answers 503 (the token may be fine) instead of blaming the token', async () => {
    const minter = await startTokenMinter();
    const t = await startTestServer({ AUTH_ISSUER: minter.issuer, AUTH_AUDIENCE: API_APP_ID, AUTH_JWKS_URI: 'http://127.0.0.1:1/keys' });
    try {
      const answer = await post(t.server.url, bearer(await minter.mint()));
      expect(answer.status).toBe(503);
      expect(answer.challenge).toBeUndefined();
      expect((await t.logger.waitFor((r) => r.event === 'auth refused')).level).toBe('error');
    } finally {
      await t.server.close();
      await minter.close();
    }
  });
});
