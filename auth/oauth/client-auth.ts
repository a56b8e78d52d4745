import type { StoredClient } from './token-store.js';

/**
 * How Warden authenticates as an OAuth client at an authorization server's endpoints (token,
 * device authorization): a public client sends its `client_id`; a confidential one (a clientSecret
 * configured, or one a registration returned) its secret — by the method it was registered with
 * where the server allows it, else HTTP Basic (RFC 6749 §2.3.1, id and secret form-encoded first)
 * unless the server's metadata offers only `client_secret_post`. One rule for the device grant,
 * refresh and the browser sign-in's code exchange.
 * Not responsible for which client is used (authenticator.ts) nor for sending anything.
 */

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

const METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post', 'none'];

/** The method for `client` at a server whose metadata lists `supported` (`token_endpoint_auth_methods_supported`). */
export function clientAuthMethod(client: StoredClient, supported: readonly string[] = []): ClientAuthMethod {
  const allowed = (method: string): boolean => supported.length === 0 || supported.includes(method);
  if (client.authMethod !== undefined && METHODS.includes(client.authMethod) && allowed(client.authMethod)) return client.authMethod as ClientAuthMethod;
  if (client.clientSecret === undefined) return 'none';
  if (!supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return 'client_secret_post';
  // Every authorization server must accept Basic from a client that has a password (RFC 6749 §2.3.1).
  return 'client_secret_basic';
}

/** RFC 6749 Appendix B: the form encoding, applied to id and secret before they are joined for Basic. */
const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/** Adds the client's authentication to a request's headers and form body. */
export function authenticateClient(client: StoredClient, method: ClientAuthMethod, headers: Headers, params: URLSearchParams): void {
  if (method === 'client_secret_basic' && client.clientSecret !== undefined) {
    headers.set('authorization', `Basic ${Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`).toString('base64')}`);
    // Identified by the header: a second client_id in the body is one mechanism too many for some servers.
    params.delete('client_id');
    params.delete('client_secret');
    return;
  }
  params.set('client_id', client.clientId);
  if (method === 'client_secret_post' && client.clientSecret !== undefined) params.set('client_secret', client.clientSecret);
  else params.delete('client_secret');
}
