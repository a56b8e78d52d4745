import { describe, expect, it } from 'vitest';
import { authenticateClient, clientAuthMethod } from '../../auth/oauth/client-auth.js';

/**
 * How Warden authenticates as an OAuth client: the method (the one it was registered with where the
 * server allows it, else Basic for a client with a secret unless only client_secret_post is
 * offered, else none) and the request it makes (Basic with id and secret form-encoded first).
 */

const confidential = { clientId: 'warden ci', clientSecret: 'a+b/c=d&e%f' };

describe('client authentication at the token and device endpoints', () => {
  it.each([
    [{ clientId: 'public' }, undefined, 'none'],
    [confidential, undefined, 'client_secret_basic'],
    [confidential, ['client_secret_basic', 'client_secret_post'], 'client_secret_basic'],
    [confidential, ['client_secret_post'], 'client_secret_post'],
    [confidential, ['private_key_jwt'], 'client_secret_basic'],
    [{ ...confidential, authMethod: 'client_secret_post' }, ['client_secret_basic', 'client_secret_post'], 'client_secret_post'],
    [{ ...confidential, authMethod: 'client_secret_post' }, ['client_secret_basic'], 'client_secret_basic'],
    [{ clientId: 'dcr', authMethod: 'none' }, ['none'], 'none'],
  ] as const)('client %j at a server offering %j: %s', (client, supported, method) => {
    expect(clientAuthMethod(client, supported)).toBe(method);
  });

  it('Basic: id and secret form-encoded, then joined and base64-encoded; nothing of the client in the body', () => {
    const headers = new Headers();
    const params = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'warden ci' });
    authenticateClient(confidential, 'client_secret_basic', headers, params);
    const decoded = Buffer.from((headers.get('authorization') ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(decoded).toBe('warden+ci:a%2Bb%2Fc%3Dd%26e%25f');
    expect([...params.keys()]).toEqual(['grant_type']);
  });

  it('post: id and secret in the body; none: the id alone', () => {
    const post = new URLSearchParams();
    authenticateClient(confidential, 'client_secret_post', new Headers(), post);
    expect(Object.fromEntries(post)).toEqual({ client_id: 'warden ci', client_secret: 'a+b/c=d&e%f' });
    const none = new URLSearchParams();
    const headers = new Headers();
    authenticateClient({ clientId: 'public' }, 'none', headers, none);
    expect(Object.fromEntries(none)).toEqual({ client_id: 'public' });
    expect(headers.has('authorization')).toBe(false);
  });
});
