import { describe, expect, it } from 'vitest';
import { cachedGrant, findCachedAccessToken, type CacheQuery } from '../../auth/login/msal-cache.js';
import { fixtureCache, type FixtureAccount, type FixtureOptions } from '../helpers/msal-cache-fixture.js';

const NOW = 1_800_000_000_000;
const TENANT = '00000000-de70-4000-8000-000000000001';
const options: FixtureOptions = {
  clientId: '00000000-de70-4000-8000-000000000002',
  environment: 'localhost:4433',
  scope: 'api://00000000-de70-4000-8000-000000000003/execute openid profile offline_access',
  expiresOn: NOW / 1000 + 3600,
};
const dev: FixtureAccount = { oid: 'aaaaaaaa-0000-0000-0000-000000000001', tenantId: TENANT, username: 'dev@warden.example', name: 'Dev User' };
const query: CacheQuery = {
  clientId: options.clientId,
  environment: 'localhost:4433',
  microsoft: false,
  tenantId: TENANT,
  apiScope: 'api://00000000-de70-4000-8000-000000000003/execute',
  nowMs: NOW,
};

describe('reading a valid access token straight from the MSAL cache file', () => {
  it('finds the one account and its token for this client, authority, tenant and scope', () => {
    const hit = findCachedAccessToken(fixtureCache([dev], options), query);
    expect(hit).toMatchObject({
      secret: `dummy-access-token-${dev.oid}`,
      account: { username: 'dev@warden.example', name: 'Dev User', tenantId: TENANT, homeAccountId: `${dev.oid}.${TENANT}` },
    });
    expect(hit?.expiresOn.getTime()).toBe(NOW + 3_600_000);
    expect(hit?.scopes).toContain(query.apiScope);
  });

  it('leaves every less clear-cut case to MSAL', () => {
    const cache = fixtureCache([dev], options);
    const miss = (text: string, q: Partial<CacheQuery> = {}) => findCachedAccessToken(text, { ...query, ...q });
    // Within MSAL's 5-minute renewal window, or expired: MSAL refreshes.
    expect(miss(fixtureCache([dev], { ...options, expiresOn: NOW / 1000 + 299 }))).toBeUndefined();
    expect(miss(fixtureCache([dev], { ...options, expiresOn: NOW / 1000 - 10 }))).toBeUndefined();
    // Another client, authority, tenant or scope.
    expect(miss(cache, { clientId: 'someone-else' })).toBeUndefined();
    expect(miss(cache, { environment: 'localhost:9999' })).toBeUndefined();
    expect(miss(cache, { tenantId: '11111111-1111-1111-1111-111111111111' })).toBeUndefined();
    expect(miss(cache, { apiScope: 'api://other/execute' })).toBeUndefined();
    // Two accounts: which one is current is MSAL's call.
    expect(miss(fixtureCache([dev, { ...dev, oid: 'bbbbbbbb-0000-0000-0000-000000000002', username: 'other@warden.example' }], options))).toBeUndefined();
    // Not a cache at all (MSAL moves it aside and says so).
    expect(miss('{"Account": {')).toBeUndefined();
    expect(miss('')).toBeUndefined();
  });

  it('accepts any realm when the tenant is organizations/common (no tenant to match)', () => {
    expect(findCachedAccessToken(fixtureCache([dev], options), { ...query, tenantId: undefined })?.secret).toBe(`dummy-access-token-${dev.oid}`);
  });
});

describe('one rule for every reader of the cache', () => {
  it('Microsoft authorities: entries filed under MSAL’s alias (login.windows.net) are found; the tenant still counts', () => {
    const entra = fixtureCache([dev], { ...options, environment: 'login.windows.net' });
    const microsoft = { ...query, environment: 'login.microsoftonline.com', microsoft: true };
    expect(findCachedAccessToken(entra, microsoft)?.secret).toBe(`dummy-access-token-${dev.oid}`);
    expect(findCachedAccessToken(entra, { ...microsoft, tenantId: '11111111-1111-1111-1111-111111111111' })).toBeUndefined();
    // A custom authority is matched by host and port exactly.
    expect(findCachedAccessToken(entra, query)).toBeUndefined();
  });

  it('status reads the same entries: scopes and expiry of the account’s token, and a refresh token of this client only', () => {
    const cache = fixtureCache([dev], options);
    const home = `${dev.oid}.${TENANT}`;
    const grant = cachedGrant(cache, query, home, query.apiScope);
    expect(grant).toEqual({ scopes: options.scope.split(' '), expiresOn: new Date(options.expiresOn * 1000), canRefresh: true });
    expect(cachedGrant(cache, { ...query, clientId: 'another-client' }, home, query.apiScope)).toEqual({ scopes: [], canRefresh: false });
    expect(cachedGrant(cache, query, home, 'api://other/execute')).toEqual({ scopes: [], canRefresh: true });
    expect(cachedGrant('not json', query, home, query.apiScope)).toEqual({ scopes: [], canRefresh: false });
  });
});
