import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

interface Answer {
  status: number;
  challenge: string | null;
  retryAfter: string | null;
}

describe('signing keys: rotation and identity-provider outages (server clock injected, no waiting)', () => {
  let minter: TokenMinter;
  let t: TestServer;
  const clock = { now: 0 };

  /** A tools/list with this token, as any client would send it. */
  const ask = async (token: string): Promise<Answer> => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    await res.arrayBuffer();
    return { status: res.status, challenge: res.headers.get('www-authenticate'), retryAfter: res.headers.get('retry-after') };
  };

  beforeEach(async () => {
    clock.now = Date.now();
    minter = await startTokenMinter();
    t = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost }, {}, { now: () => clock.now });
  });
  afterEach(async () => {
    await t.server.close();
    await minter.close();
  });

  it('finds a rotated-in key on its unknown kid (respecting the cooldown) and refuses the removed key from then on', async () => {
    const oldKey = minter.current();
    const oldToken = await minter.mint();
    expect((await ask(oldToken)).status).toBe(200);
    expect(minter.jwksRequests()).toBe(1);

    await minter.rotate();
    minter.retire(oldKey);
    const newToken = await minter.mint();
    // Within the cooldown an unknown kid is refused without bothering the provider.
    expect(await ask(newToken)).toMatchObject({ status: 401, challenge: expect.stringContaining('unknown signing key') });
    expect(minter.jwksRequests()).toBe(1);

    clock.now += JWKS_COOLDOWN_MS + 1;
    expect((await ask(newToken)).status).toBe(200);
    expect(minter.jwksRequests()).toBe(2);
    // The refetched set no longer has the old key: its tokens are refused, including one accepted (and cached) before.
    expect(await ask(oldToken)).toMatchObject({ status: 401, challenge: expect.stringContaining('unknown signing key') });
    expect((await ask(await minter.mint({ sub: 'another-user' }, { key: oldKey }))).status).toBe(401);
    expect(minter.jwksRequests()).toBe(2);

    const client = await connectClient(t.server.url, { token: newToken });
    expect((await client.callTool({ name: 'reverse', arguments: { text: 'rotated' } })).content).toEqual([{ type: 'text', text: 'detator' }]);
    await client.close();
  });

  it('keeps validating with the keys it holds while the identity provider answers errors, and says 503 only for keys it never saw', async () => {
    const token = await minter.mint();
    expect((await ask(token)).status).toBe(200);

    minter.jwksMode = 'error';
    // Past the key set's maximum age: the server tries to refresh in the background, which fails.
    clock.now += JWKS_MAX_AGE_MS + 1;
    expect((await ask(token)).status).toBe(200);
    await minter.waitForJwksRequests(2);
    expect((await ask(await minter.mint({ sub: 'first-time-user' }))).status).toBe(200);

    // A token from a key the server has never seen cannot be checked now: 503 with Retry-After, not a verdict on the token.
    const unknownKey = await minter.newKey();
    clock.now += JWKS_COOLDOWN_MS + 1;
    expect(await ask(await minter.mint({}, { key: unknownKey }))).toMatchObject({ status: 503, challenge: null, retryAfter: '5' });
    expect((await ask(token)).status).toBe(200);

    // The provider is back: new keys are found again.
    minter.jwksMode = 'up';
    await minter.rotate();
    clock.now += JWKS_COOLDOWN_MS + 1;
    expect((await ask(await minter.mint())).status).toBe(200);
  });

  it('makes callers wait at most a second for an identity provider that hangs', async () => {
    const token = await minter.mint();
    expect((await ask(token)).status).toBe(200);

    minter.jwksMode = 'hang';
    clock.now += JWKS_MAX_AGE_MS + 1;
    // The refresh this starts never gets an answer; after at most a second the call is served from the keys held meanwhile.
    expect((await ask(token)).status).toBe(200);
    await minter.waitForJwksRequests(2);
    expect((await ask(await minter.mint({ sub: 'first-time-user' }))).status).toBe(200);
    expect(minter.jwksRequests()).toBe(2);
  });

  it('refuses a key removed from the JWKS once AUTH_JWKS_MAX_AGE_S has passed, even for a token it accepted (and cached) before', async () => {
    await t.server.close();
    t = await startTestServer(
      { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, AUTH_JWKS_MAX_AGE_S: '60' },
      {},
      { now: () => clock.now },
    );
    const oldKey = minter.current();
    const oldToken = await minter.mint();
    expect((await ask(oldToken)).status).toBe(200);
    expect((await ask(oldToken)).status).toBe(200);
    await minter.rotate();
    minter.retire(oldKey);

    clock.now += 60_000;
    expect(await ask(oldToken)).toMatchObject({ status: 401, challenge: expect.stringContaining('unknown signing key') });
    expect((await ask(await minter.mint({ sub: 'another-user' }, { key: oldKey }))).status).toBe(401);
    expect((await ask(await minter.mint())).status).toBe(200);
    expect(minter.jwksRequests()).toBe(2);
  });
});
