import { describeAccount } from '../../../../auth/login/format.js';
import type { LoginConfig, WardenAuthenticator } from '../../../../auth/login/index.js';
import type { Authenticator } from '../../../../auth/login/types.js';
import { DEFAULT_AUTHORITY_HOST, DEFAULT_TENANT_ID, splitAuthority } from '../../../../auth/login/authority.js';
import { describesServer, otherResourceMessage } from '../../../../auth/oauth/protected-resource.js';
import { safeLine } from '../../../../config/terminal-text.js';
import type { ServerAuthMetadata } from '../server-metadata.js';
import { tokenCacheOf, withServerMetadata, type SignInSettings } from '../settings.js';
import { createSignInGate, type SignInGate } from '../sign-in-gate.js';
import { NeedsServerMetadata, type TokenMethod } from '../token-method.js';
import type { SignInContext, SignInKind, SignInReport } from './kind.js';
import { notSignedIn, resolveForCommand, tokenLine, tokenSignIn } from './token-kind.js';

/**
 * The `entra` kind: people sign in to Microsoft Entra ID (or the dev identity provider) with a
 * device code through MSAL (auth/login), the token cache shared by every Entra server. Settings:
 * the entry's `auth`, else ENTRA_*, else what the server's metadata says (authority, tenant and
 * scope only). The gate (sign-in-gate.ts) binds each API scope to the servers approved for it and
 * allows only Microsoft's or the configured identity providers.
 * Not responsible for MSAL itself (auth/login) nor for when to sign in (SessionAuth, the commands).
 */

/** The Entra scope a server asks for: its challenge's first scope, else the first it supports (Entra issues a token for one API). */
export function entraScope(metadata: ServerAuthMetadata): string | undefined {
  return metadata.challengeScope?.split(' ').find(Boolean) ?? metadata.document.scopes_supported?.[0];
}

/** What the server said, filling the settings' gaps; throws when its document is about another server. */
export function withEntraMetadata(settings: SignInSettings, metadata: ServerAuthMetadata): SignInSettings {
  // RFC 9728 §3.3: a document about another resource must not be used for this one.
  if (!describesServer(metadata.document.resource, metadata.serverUrl)) throw new Error(otherResourceMessage(safeLine(metadata.document.resource, 200), metadata.serverUrl));
  const scope = entraScope(metadata);
  if (!scope) throw new Error("the server's sign-in metadata names no scope");
  return withServerMetadata(settings, { ...splitAuthority(metadata.authorizationServer), scope });
}

/** Microsoft's public cloud and any work or school account, where nothing (not even the server) said otherwise. */
export function withDefaults(settings: SignInSettings): SignInSettings {
  return {
    ...settings,
    authorityHost: settings.authorityHost ?? { value: DEFAULT_AUTHORITY_HOST, from: { from: 'default' } },
    tenantId: settings.tenantId ?? { value: DEFAULT_TENANT_ID, from: { from: 'default' } },
  };
}

/** MSAL's settings (auth/login/config.ts validates them, one ConfigError line naming what is wrong). */
export async function loginConfig(settings: SignInSettings): Promise<LoginConfig> {
  // auth/login/config.ts brings zod: loaded on first need, never on the chat's first frame.
  const { buildLoginConfig } = await import('../../../../auth/login/index.js');
  return buildLoginConfig({
    ...(settings.authorityHost && { authorityHost: settings.authorityHost.value }),
    ...(settings.tenantId && { tenantId: settings.tenantId.value }),
    ...(settings.clientId && { clientId: settings.clientId.value }),
    ...(settings.scope && { apiScope: settings.scope.value }),
    cachePath: tokenCacheOf(settings),
    tokenStore: settings.tokenStore.value,
    ...(settings.caFile && { caFile: settings.caFile.value }),
  });
}

export interface EntraSignIn {
  settings: SignInSettings;
  config: LoginConfig;
  authenticator: WardenAuthenticator;
  gate: SignInGate;
}

/** The device-code sign-in for these settings (with the server's metadata where they need it). */
async function entraSignIn(settings: SignInSettings, context: SignInContext, metadata: ServerAuthMetadata | undefined): Promise<EntraSignIn> {
  const complete = metadata ? withEntraMetadata(settings, metadata) : settings;
  if (complete.clientId && !complete.scope) throw new NeedsServerMetadata('ENTRA_API_SCOPE is not set', 'which scope to request', 'set ENTRA_API_SCOPE');
  return completeEntraSignIn(complete, context);
}

/** The device-code sign-in for settings that say everything but Warden's defaults. */
export async function completeEntraSignIn(settings: SignInSettings, context: SignInContext): Promise<EntraSignIn> {
  const complete = withDefaults(settings);
  const config = await loginConfig(complete);
  // MSAL is loaded on first need: --no-auth and print-mode usage errors never load it.
  const { createAuthenticator } = await import('../../../../auth/login/index.js');
  return {
    settings: complete,
    config,
    authenticator: createAuthenticator(config, context.authenticatorDeps),
    gate: createSignInGate({ settings: complete, approveRun: context.approveRun }),
  };
}

/** Interactive sign-ins also consent to `scopes` (other servers' scopes of the same API: one device code for all). */
export function consentingTo(authenticator: Authenticator, scopes: readonly string[]): Authenticator {
  if (scopes.length === 0) return authenticator;
  return { ...authenticator, signIn: (o) => authenticator.signIn({ ...o, scopes: [...new Set([...(o.scopes ?? []), ...scopes])] }) };
}

export function entraMethod(settings: SignInSettings, context: SignInContext): TokenMethod {
  return {
    followsChallenge: false,
    async resolve(metadata) {
      const { authenticator, gate } = await entraSignIn(settings, context, metadata);
      return { authenticator: consentingTo(authenticator, context.alsoConsent), gate };
    },
  };
}

/** The account and token the cache holds for these settings (no network beyond the server's metadata when the scope is not configured). */
export async function entraReport(settings: SignInSettings, context: SignInContext, now: number, signal?: AbortSignal): Promise<SignInReport> {
  let found: EntraSignIn | undefined;
  const method: TokenMethod = {
    followsChallenge: false,
    resolve: async (metadata) => {
      found = await entraSignIn(settings, context, metadata);
      return found;
    },
  };
  await resolveForCommand(settings, method, context, signal);
  if (!found) throw new Error('no sign-in was built');
  return reportOf(found, settings, now);
}

/** What the cache holds for a built sign-in (no network), and whether the gate would refuse it. */
export async function reportOf(found: EntraSignIn, settings: SignInSettings, now: number): Promise<SignInReport> {
  const { config, authenticator, gate } = found;
  const decision = await gate.check();
  const cached = await authenticator.cachedSignIn();
  const report: SignInReport = cached
    ? { signedIn: true, detail: `${describeAccount(cached.account)}, ${tokenLine(cached.expiresOn?.getTime(), cached.canRefresh, settings, now)}` }
    : notSignedIn(settings);
  return {
    ...report,
    entra: {
      authority: config.authority,
      clientId: config.clientId,
      cachePath: config.cachePath,
      scopes: cached?.scopes ?? [],
      canRefresh: cached?.canRefresh ?? false,
      ...(cached && { account: cached.account }),
      ...(cached?.expiresOn && { expiresOn: cached.expiresOn }),
    },
    ...(!decision.allowed && { approvalNeeded: decision.reason }),
  };
}

export const entra: SignInKind = (settings, context) =>
  tokenSignIn(settings, context, {
    method: entraMethod(settings, context),
    describe: ({ now, signal }) => entraReport(settings, context, now, signal),
  });
