import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grantKey, OAuthTokenStore, type StoredGrant } from '../../auth/oauth/token-store.js';

/** The grant store's keys: issuer, resource and the server a grant was obtained for (issue 21 §3). */
describe('OAuth grant store', () => {
  const root = mkdtempSync(join(tmpdir(), 'warden-grants-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const grant = (accessToken: string, server?: string): StoredGrant => ({ accessToken, expiresAt: 1, ...(server && { server }) });
  const issuer = 'https://as.example';
  const resource = 'https://mcp.example';

  it('hands a grant only to the server it was stored for, whatever resource the other claims', async () => {
    const store = new OAuthTokenStore(join(root, 'a', 'oauth_tokens.json'));
    await store.saveGrant({ issuer, resource, server: 'https://mcp.example/one/' }, grant('one'));
    expect((await store.grant({ issuer, resource, server: 'https://mcp.example/one' }))?.accessToken).toBe('one');
    expect(await store.grant({ issuer, resource, server: 'https://mcp.example/two' })).toBeUndefined();
    expect(await store.grant({ issuer: 'https://other-as.example', resource, server: 'https://mcp.example/one' })).toBeUndefined();
    expect((await store.grantForServer('https://mcp.example/one'))?.key).toBe(grantKey({ issuer, resource, server: 'https://mcp.example/one' }));
  });

  it('a grant stored under the older key (issuer and resource) still serves its own server, and is replaced on the next save', async () => {
    const path = join(root, 'b', 'oauth_tokens.json');
    const store = new OAuthTokenStore(path);
    await store.update(() => undefined);
    writeFileSync(path, JSON.stringify({ version: 1, clients: {}, grants: { [`${issuer} ${resource}`]: grant('old', 'https://mcp.example/one') } }));
    expect((await store.grant({ issuer, resource, server: 'https://mcp.example/one' }))?.accessToken).toBe('old');
    expect(await store.grant({ issuer, resource, server: 'https://mcp.example/two' })).toBeUndefined();
    await store.saveGrant({ issuer, resource, server: 'https://mcp.example/one' }, grant('new'));
    let keys: string[] = [];
    await store.update((file) => void (keys = Object.keys(file.grants)));
    expect(keys).toEqual([grantKey({ issuer, resource, server: 'https://mcp.example/one' })]);
  });
});
