import { describeAccount, describeExpiry, relativeTime } from '../../auth/login/format.js';
import { errorMessage } from '../../config/error-text.js';
import type { Env } from '../../config/load.js';
import { oauthTokenStore } from '../core/auth/sign-in-service.js';
import type { ServerConfig } from '../core/host/server-config.js';
import { serverSignInService } from './server-sign-in.js';

/**
 * `warden status`'s line per configured server: its auth kind and sign-in state from what is
 * stored (the oauth store, MSAL's cache) — never the network, never a token.
 * Not responsible for probing servers or the one-server report above it (status.ts).
 */

export interface ServerSignInState {
  name: string;
  kind: string;
  signedIn: boolean;
  /** One line: who, until when, or what to do. */
  detail: string;
}

const isSet = (value: string | undefined): boolean => (value ?? '').trim() !== '';

function tokenState(expiresAt: number | undefined, canRefresh: boolean, name: string, now: number): string {
  if (expiresAt === undefined) return canRefresh ? 'renewed on next use' : `run \`warden login ${name}\``;
  if (expiresAt > now) return `token valid until ${describeExpiry(new Date(expiresAt), now)}`;
  return `token expired ${relativeTime(new Date(expiresAt), now)}; ${canRefresh ? 'renewed on next use (refresh token kept)' : `run \`warden login ${name}\``}`;
}

async function stateOf(server: ServerConfig & { type: 'http' | 'sse' }, env: Env, now: number): Promise<ServerSignInState> {
  const auth = server.auth ?? { kind: 'entra' as const };
  const state = (signedIn: boolean, detail: string): ServerSignInState => ({ name: server.name, kind: auth.kind, signedIn, detail });
  switch (auth.kind) {
    case 'none':
      return state(false, 'no sign-in');
    case 'bearer':
      return state(isSet(env[auth.tokenEnv]), `token from ${auth.tokenEnv} (${isSet(env[auth.tokenEnv]) ? 'set' : 'not set'})`);
    case 'client-credentials':
      return state(false, `app ${auth.clientId} signs in as itself on each run (nothing cached)`);
    case 'oauth': {
      const found = await (await oauthTokenStore(env)).grantForServer(server.url);
      if (!found) return state(false, `not signed in (run \`warden login ${server.name}\`)`);
      const who = found.grant.subject ?? 'signed in';
      return state(true, `${who}, ${tokenState(found.grant.expiresAt, found.grant.refreshToken !== undefined, server.name, now)}`);
    }
    case 'entra': {
      // Without a configured scope the cache cannot be read for this server without asking it (RFC 9728).
      if (!isSet(auth.scope) && !isSet(env.ENTRA_API_SCOPE)) return state(false, `scope from the server's metadata: run \`warden status --server ${server.url}\``);
      const { authenticator } = await serverSignInService(server, { env }).resolve();
      const cached = await authenticator.cachedSignIn();
      if (!cached) return state(false, `not signed in (run \`warden login ${server.name}\`)`);
      return state(true, `${describeAccount(cached.account)}, ${tokenState(cached.expiresOn?.getTime(), cached.canRefresh, server.name, now)}`);
    }
  }
}

/** Each configured HTTP server's sign-in state; a server whose state cannot be read says why. */
export async function serverSignInStates(servers: ServerConfig[], env: Env, now = Date.now()): Promise<ServerSignInState[]> {
  const http = servers.filter((s): s is ServerConfig & { type: 'http' | 'sse' } => s.type !== 'stdio');
  return Promise.all(
    http.map((server) =>
      stateOf(server, env, now).catch((error: unknown) => ({
        name: server.name,
        kind: server.auth?.kind ?? 'entra',
        signedIn: false,
        detail: `cannot read its sign-in: ${errorMessage(error)}`,
      })),
    ),
  );
}
