import type { FetchLike } from '@modelcontextprotocol/client';
import type { AuthenticatorDeps } from '../../../auth/login/index.js';
import type { ServerConfig } from '../host/server-config.js';
import { bearer } from './kinds/bearer.js';
import { clientCredentials } from './kinds/client-credentials.js';
import { entra } from './kinds/entra.js';
import type { ServerSignIn, SignInContext, SignInKind } from './kinds/kind.js';
import { none } from './kinds/none.js';
import { oauth } from './kinds/oauth.js';
import { server } from './kinds/server.js';
import { unapproved } from './kinds/unapproved.js';
import { awaitsApproval, isUsersOwn, signInSettings, unapprovedCredentials, type SignInKindName, type SignInSettings, type SignInSources } from './settings.js';

/**
 * Every server's sign-in, for every path (the chat and -p per server, `mcp list`, login, logout,
 * status): its settings built once (settings.ts), and the module of its kind (kinds/) that
 * answers everything about it. The one place that picks a kind — and that refuses any kind a
 * project file chose until the user approved the file (settings.ts `unapprovedCredentials`).
 * Not responsible for when to connect or sign in (the server host, the commands).
 */

const KINDS: Record<SignInKindName, SignInKind> = {
  none,
  bearer,
  entra,
  oauth,
  'client-credentials': clientCredentials,
  server,
};

export interface SignInDirectoryOptions extends SignInSources {
  /** Every configured server: an Entra sign-in also consents to the scopes of the others on the same API. */
  servers?: readonly ServerConfig[];
  /** --approve-server. */
  approveRun?: boolean;
  /** How the user approves a refused server in this front end (default: "approve it to continue"). */
  approvalHint?: string;
  fetch?: FetchLike;
  now?: () => number;
  /** MSAL's HTTP client, warnings, lock tuning. */
  authenticatorDeps?: AuthenticatorDeps;
}

/** Hands out each server's sign-in. */
export interface SignInDirectory {
  forServer(server: ServerConfig): ServerSignIn;
}

const apiOf = (scope: string): string => scope.slice(0, Math.max(0, scope.lastIndexOf('/')));

/**
 * The configured scopes of the other `entra` servers that sign in the same way (client, tenant,
 * identity provider) to the same API as `own`: one device code consents to all of them.
 */
export function sameApiScopes(own: SignInSettings, others: readonly SignInSettings[]): string[] {
  const scope = own.scope?.value;
  if (own.kind.value !== 'entra' || !scope || !apiOf(scope)) return [];
  const same = (other: SignInSettings): boolean => (['clientId', 'tenantId', 'authorityHost'] as const).every((k) => other[k]?.value === own[k]?.value);
  const scopes = others
    .filter((o) => o !== own && o.kind.value === 'entra' && o.scope !== undefined && isUsersOwn(o.scope) && o.scope.from.from !== 'env' && same(o))
    .map((o) => o.scope?.value ?? '')
    .filter((s) => s !== scope && apiOf(s) === apiOf(scope));
  return [...new Set(scopes)];
}

export function createSignInDirectory(options: SignInDirectoryOptions): SignInDirectory {
  const settingsOf = (server: ServerConfig): SignInSettings => signInSettings(server, options);
  let all: SignInSettings[] | undefined;
  return {
    forServer(server) {
      const settings = settingsOf(server);
      if (unapprovedCredentials(settings).length > 0) return unapproved(settings);
      // No `auth` key: it runs, but should it ask for a sign-in, none is made until its file is approved.
      if (settings.kind.value === 'server' && awaitsApproval(settings)) return unapproved(settings);
      all ??= (options.servers ?? []).map(settingsOf);
      const context: SignInContext = {
        env: options.env,
        approveRun: options.approveRun === true,
        approvalHint: options.approvalHint ?? 'approve it to continue',
        authenticatorDeps: options.authenticatorDeps ?? {},
        alsoConsent: sameApiScopes(
          settings,
          all.filter((s) => s.server.name !== settings.server.name),
        ),
        ...(options.fetch && { fetch: options.fetch }),
        ...(options.now && { now: options.now }),
      };
      return KINDS[settings.kind.value](settings, context);
    },
  };
}
