import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenRejectedError } from '../../auth/verify/errors.js';
import { createTokenVerifier } from '../../auth/verify/jwt-verifier.js';
import { createKeySource, type KeySourceOptions } from '../../auth/verify/key-source.js';
import type { VerifierSettings } from '../../auth/verify/settings.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

describe('token verifier with a remote JWKS', () => {
  let minter: TokenMinter;
  let settings: VerifierSettings;
  const verifier = (options: KeySourceOptions = {}, now?: () => number) => createTokenVerifier(settings, createKeySource(settings.keys, { ...options, ...(now && { now }) }), now);
  const reason = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (e: unknown) => (e instanceof TokenRejectedError ? e.description : `unexpected ${String(e)}`),
    );

  beforeEach(async () => {
    minter = await startTokenMinter();
    settings = {
      issuers: [minter.issuer],
      audiences: [API_APP_ID],
      keys: { kind: 'jwks', uri: minter.jwksUri },
      tenantId: TENANT_ID,
      allowedClientIds: [],
      clockToleranceSeconds: 60,
    };
  });
  afterEach(async () => {
    await minter.close();
  });

  it('returns who called, with scopes and a numeric expiry', async () => {
    const verified = await verifier().verify(await minter.mint({ scp: 'execute weather.read' }));
    expect(verified).toMatchObject({ issuer: minter.issuer, audience: API_APP_ID, subject: 'user-subject', tenantId: TENANT_ID, scopes: ['execute', 'weather.read'] });
    expect(typeof verified.expiresAt).toBe('number');
  });

  it('fetches the key set once and reuses it', async () => {
    const v = verifier();
    for (let i = 0; i < 3; i++) await v.verify(await minter.mint());
    expect(minter.jwksRequests()).toBe(1);
  });

  it('refetches on an unknown kid once the cooldown has passed (key rotation)', async () => {
    let clock = Date.now();
    const v = verifier({ cooldownMs: 60_000 }, () => clock);
    await v.verify(await minter.mint());
    await minter.rotate();
    const token = await minter.mint();
    clock += 59_000;
    expect(await reason(v.verify(token))).toBe('unknown signing key');
    expect(minter.jwksRequests()).toBe(1);
    clock += 2_000;
    expect(await reason(v.verify(token))).toBe('accepted');
    expect(minter.jwksRequests()).toBe(2);
  });

  it('does not refetch within the cooldown, so unknown kids cannot hammer the provider', async () => {
    const v = verifier({ cooldownMs: 60_000 });
    await v.verify(await minter.mint());
    await minter.rotate();
    const token = await minter.mint();
    expect(await reason(v.verify(token))).toBe('unknown signing key');
    expect(await reason(v.verify(token))).toBe('unknown signing key');
    expect(minter.jwksRequests()).toBe(1);
  });

  it('checks exp and nbf against the injected clock with 60 s of skew', async () => {
    const token = await minter.mint();
    const { exp, nbf } = decodeJwt(token) as { exp: number; nbf: number };
    expect(await reason(verifier({}, () => (exp + 59) * 1000).verify(token))).toBe('accepted');
    expect(await reason(verifier({}, () => (exp + 61) * 1000).verify(token))).toBe('token expired');
    expect(await reason(verifier({}, () => (nbf - 61) * 1000).verify(token))).toBe('token not yet valid');
  });

  it('checks a repeated token once, yet still refuses it when it expires', async () => {
    let clock = Date.now();
    const v = verifier({}, () => clock);
    const token = await minter.mint({ scp: 'execute' });
    const { exp } = decodeJwt(token) as { exp: number };
    expect(await reason(v.verify(token))).toBe('accepted');
    expect(await reason(v.verify(token))).toBe('accepted');
    clock = (exp + 61) * 1000;
    expect(await reason(v.verify(token))).toBe('token expired');
  });

  describe("a connection's repeated token (matched as a string, not hashed)", () => {
    it('is answered at once after one verification, and refused once it expires', async () => {
      let clock = Date.now();
      const v = verifier({}, () => clock);
      const connection = {};
      // The very first token: its key set is fetched during its verification, and it still counts afterwards.
      const token = await minter.mint({ scp: 'execute' });
      expect(v.verifiedBefore(token, connection)).toBeUndefined();
      expect(await reason(v.verify(token, connection))).toBe('accepted');
      expect(v.verifiedBefore(token, connection)?.scopes).toEqual(['execute']);
      clock = ((decodeJwt(token).exp as number) + 61) * 1000;
      expect(v.verifiedBefore(token, connection)).toBeUndefined();
      expect(await reason(v.verify(token, connection))).toBe('token expired');
    });

    it('vouches for that token only, not for another one sent on the same connection', async () => {
      const v = verifier();
      const connection = {};
      expect(await reason(v.verify(await minter.mint({ sub: 'warm-up' })))).toBe('accepted');
      const token = await minter.mint();
      expect(await reason(v.verify(token, connection))).toBe('accepted');
      expect(v.verifiedBefore(token, connection)).toBeDefined();
      const forged = await minter.mint({ sub: 'forged' }, { key: await minter.newKey() });
      expect(v.verifiedBefore(forged, connection)).toBeUndefined();
      expect(await reason(v.verify(forged, connection))).toBe('unknown signing key');
    });

    it('stops counting once its key has left the JWKS and the max age has passed', async () => {
      let clock = Date.now();
      const v = verifier({}, () => clock);
      const connection = {};
      const oldKey = minter.current();
      const token = await minter.mint();
      expect(await reason(v.verify(token, connection))).toBe('accepted');
      await minter.rotate();
      minter.retire(oldKey);
      clock += 600 * 1000;
      expect(v.verifiedBefore(token, connection)).toBeUndefined();
      expect(await reason(v.verify(token, connection))).toBe('unknown signing key');
    });
  });

  it('verifies with a static PEM key and refuses another algorithm family', async () => {
    const pemSettings: VerifierSettings = { ...settings, keys: { kind: 'pem', pem: minter.current().publicPem } };
    const v = createTokenVerifier(pemSettings, createKeySource(pemSettings.keys));
    expect(await reason(v.verify(await minter.mint()))).toBe('accepted');
    expect(await reason(v.verify(await minter.mint({}, { key: await minter.newKey() })))).toBe('invalid signature');
    expect(await reason(v.verify(await minter.mint({}, { key: await minter.newKey('ES256') })))).toBe('unsupported token');
    expect(minter.jwksRequests()).toBe(0);
  });

  describe('key set max age (injected clock, no timers)', () => {
    const maxAgeMs = 600 * 1000;

    it('refuses a cached token once its key has left the JWKS and the max age has passed, with no request in between', async () => {
      let clock = Date.now();
      const v = verifier({}, () => clock);
      const oldKey = minter.current();
      const token = await minter.mint();
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(await reason(v.verify(token))).toBe('accepted');
      await minter.rotate();
      minter.retire(oldKey);

      clock += maxAgeMs - 1000;
      expect(await reason(v.verify(token))).toBe('accepted');
      clock += 1000;
      expect(await reason(v.verify(token))).toBe('unknown signing key');
      expect(await reason(v.verify(await minter.mint({ sub: 'fresh-token' }, { key: oldKey })))).toBe('unknown signing key');
      expect(await reason(v.verify(await minter.mint()))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(2);
    });

    it('keeps accepting a cached token whose key is still published when the set changes', async () => {
      let clock = Date.now();
      const v = verifier({}, () => clock);
      const token = await minter.mint();
      expect(await reason(v.verify(token))).toBe('accepted');
      await minter.rotate();
      clock += maxAgeMs;
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(await reason(v.verify(await minter.mint()))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(2);
    });

    // 2 s: shorter than the 30 s unknown-kid cooldown, which must not hold a max-age refresh back after a successful fetch.
    it.each([60, 2])('follows the configured max age (%i s)', async (maxAgeSeconds) => {
      let clock = Date.now();
      settings = { ...settings, keys: { kind: 'jwks', uri: minter.jwksUri, maxAgeSeconds } };
      const v = verifier({}, () => clock);
      const oldKey = minter.current();
      const token = await minter.mint();
      expect(await reason(v.verify(token))).toBe('accepted');
      await minter.rotate();
      minter.retire(oldKey);
      clock += maxAgeSeconds * 1000;
      expect(await reason(v.verify(token))).toBe('unknown signing key');
      expect(minter.jwksRequests()).toBe(2);
    });

    it('after a failed refresh, asks the provider again only once the cooldown has passed', async () => {
      let clock = Date.now();
      settings = { ...settings, keys: { kind: 'jwks', uri: minter.jwksUri, maxAgeSeconds: 2 } };
      const v = verifier({}, () => clock);
      const token = await minter.mint();
      expect(await reason(v.verify(token))).toBe('accepted');
      minter.jwksMode = 'error';
      clock += 2000;
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(2);
      clock += 10_000;
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(2);
      clock += 20_000;
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(3);
    });

    it('waits only briefly for a hanging provider, then goes on with the keys it holds', async () => {
      let clock = Date.now();
      const v = verifier({ refreshWaitMs: 50 }, () => clock);
      const token = await minter.mint();
      expect(await reason(v.verify(token))).toBe('accepted');
      minter.jwksMode = 'hang';
      clock += maxAgeMs;
      expect(await reason(v.verify(token))).toBe('accepted');
      expect(await reason(v.verify(await minter.mint({ sub: 'another-user' })))).toBe('accepted');
      expect(minter.jwksRequests()).toBe(2);
    });
  });
});
