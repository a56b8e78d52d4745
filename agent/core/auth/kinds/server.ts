import { authorityHostKey, isEntraAuthorityHost, splitAuthority } from '../../../../auth/login/authority.js';
import type { Authenticator } from '../../../../auth/login/types.js';
import { describesServer, otherResourceMessage } from '../../../../auth/oauth/protected-resource.js';
import { causeChain, errorMessage } from '../../../../config/error-text.js';
import { ConfigError } from '../../../../config/errors.js';
import { printableUrl } from '../../../../config/printable-url.js';
import { safeLine } from '../../../../config/terminal-text.js';
import { askForChallenge, boundedFetch, readServerMetadata, type ServerAuthMetadata } from '../server-metadata.js';
import type { Provenance, SignInSettings } from '../settings.js';
import { NeedsServerMetadata, type ResolvedMethod, type TokenMethod } from '../token-method.js';
import { completeEntraSignIn, consentingTo, entraScope, reportOf, type EntraSignIn } from './entra.js';
import type { ServerSignIn, SignInContext, SignInKind, SignInReport } from './kind.js';
import { oauthAuthenticator, oauthReport } from './oauth.js';
import { loginWith, logoutWith, METADATA_TIMEOUT_MS, tokenSignIn } from './token-kind.js';
import { oauthStore } from '../token-files.js';

/**
 * The default for an HTTP server without an `auth` key: follow the server's 401, as other MCP
 * hosts do. Nothing is sent until the server asks; then its RFC 9728 metadata (from the
 * challenge's `resource_metadata`, else the well-known paths) names the authorization server, and
 * the sign-in that fits is used: Microsoft Entra's device code (MSAL, with the Entra gate) when
 * that is an Entra host or the configured ENTRA_AUTHORITY_HOST, else OAuth (auth/oauth: the
 * device grant where the authorization server offers it, else a browser with PKCE; the challenge's
 * scope, else `scopes_supported`). A server that answers without a 401 needs no sign-in.
 * Not responsible for either sign-in itself (kinds/entra.ts, kinds/oauth.ts and what they use).
 */

/** The Entra settings a server's metadata gives: its authority (trusted as configured when it is ENTRA_AUTHORITY_HOST), tenant and scope. */
function entraSettingsFrom(settings: SignInSettings, metadata: ServerAuthMetadata): SignInSettings | undefined {
  let split: { authorityHost: string; tenantId: string };
  try {
    split = splitAuthority(metadata.authorizationServer);
  } catch (error) {
    // Not of the shape https://host/<tenant>[/v2.0]: not an Entra authority.
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  const { authorityHost, tenantId } = split;
  const configured = settings.authorityHost !== undefined && authorityHostKey(settings.authorityHost.value) === authorityHostKey(authorityHost);
  if (!configured && !isEntraAuthorityHost(authorityHost)) return undefined;
  const scope = entraScope(metadata);
  if (!scope) throw new Error("the server's sign-in metadata names no scope");
  const from: Provenance = { from: 'server', url: settings.server.url };
  return {
    ...settings,
    authorityHost: configured && settings.authorityHost ? settings.authorityHost : { value: authorityHost, from },
    tenantId: { value: tenantId, from },
    scope: { value: scope, from },
  };
}

/** What the server said picks the sign-in: Entra for an Entra authority (or the configured one), else OAuth. */
type Chosen = { entra: EntraSignIn } | { oauth: Authenticator };

/** OAuth goes by the server's word alone: the Entra client and authority are not for its authorization server. */
function oauthOnly(settings: SignInSettings): SignInSettings {
  const { authorityHost: _host, clientId: _client, ...rest } = settings;
  return rest;
}

async function choose(settings: SignInSettings, context: SignInContext, metadata: ServerAuthMetadata): Promise<Chosen> {
  // RFC 9728 §3.3: a document about another resource must not be used for this one.
  if (!describesServer(metadata.document.resource, metadata.serverUrl)) throw new Error(otherResourceMessage(safeLine(metadata.document.resource, 200), metadata.serverUrl));
  const entra = entraSettingsFrom(settings, metadata);
  if (entra) return { entra: await completeEntraSignIn(entra, context) };
  return { oauth: await oauthAuthenticator(oauthOnly(settings), context, metadata) };
}

function method(settings: SignInSettings, context: SignInContext): TokenMethod {
  return {
    // The challenge's resource_metadata and scope are what this kind signs in by.
    followsChallenge: true,
    onlyWhenAsked: true,
    async resolve(metadata): Promise<ResolvedMethod> {
      if (!metadata) throw new NeedsServerMetadata(`${settings.server.name} has no \`auth\` setting: it signs in as the server says`, 'how to sign in');
      const chosen = await choose(settings, context, metadata);
      if ('oauth' in chosen) return { authenticator: chosen.oauth };
      return { authenticator: consentingTo(chosen.entra.authenticator, context.alsoConsent), gate: chosen.entra.gate };
    },
  };
}

/** Whether an error says nothing answered (refused, unknown host, timeout), rather than the server answering without metadata. */
function unreachable(error: unknown): boolean {
  return causeChain(error).some(
    (e) => (e instanceof TypeError && e.message === 'fetch failed') || (e as Error | undefined)?.name === 'TimeoutError' || (e as Error | undefined)?.name === 'AbortError',
  );
}

/** The server's metadata for a command, from its 401 (bounded); undefined when it answers without one, or publishes none. */
async function metadataFor(settings: SignInSettings, context: SignInContext, signal: AbortSignal | undefined): Promise<ServerAuthMetadata | undefined> {
  const bounded = boundedFetch(context.fetch ?? fetch, METADATA_TIMEOUT_MS, signal);
  try {
    // Follow the 401 as a chat's first request would: no challenge, no sign-in.
    const challenge = await askForChallenge(settings.server.url, bounded);
    if (!challenge) return undefined;
    return await readServerMetadata(settings.server.url, challenge, bounded);
  } catch (error) {
    if (unreachable(error)) throw new Error(`cannot reach ${printableUrl(settings.server.url)} to learn how it signs in (${errorMessage(error)})`);
    return undefined;
  }
}

const noSignIn = (settings: SignInSettings): string => `${settings.server.name} needs no sign-in: it answers without asking for one, and has no \`auth\` setting`;

export const server: SignInKind = (settings, context) => {
  const tokenMethod = method(settings, context);
  const base = tokenSignIn(settings, context, { method: tokenMethod, describe: async () => ({ signedIn: false, detail: '' }) });

  /** A grant stored for this server (an OAuth sign-in before): read without any network. */
  const storedGrant = async (now: number): Promise<SignInReport | undefined> =>
    (await oauthStore(settings).grantForServer(settings.server.url)) ? oauthReport(settings, now) : undefined;

  const signIn: ServerSignIn = {
    ...base,
    async describe({ now, signal }) {
      const stored = await storedGrant(now);
      if (stored) return stored;
      const metadata = await metadataFor(settings, context, signal);
      if (!metadata) return { signedIn: false, detail: 'no sign-in (the server answers without asking for one)' };
      const chosen = await choose(settings, context, metadata);
      if ('entra' in chosen) return reportOf(chosen.entra, settings, now);
      return oauthReport(settings, now);
    },
    async login(options) {
      const metadata = await metadataFor(settings, context, options.signal);
      if (!metadata) return { outcome: 'nothing', why: noSignIn(settings) };
      return loginWith(await tokenMethod.resolve(metadata), options);
    },
    async logout(options) {
      // An OAuth grant is found by the server's URL alone: no network.
      if (await storedGrant(Date.now())) return logoutWith(await oauthAuthenticator(oauthOnly(settings), context, undefined), settings, context);
      const metadata = await metadataFor(settings, context, options.signal);
      if (!metadata) return { outcome: 'nothing', why: noSignIn(settings) };
      return logoutWith((await tokenMethod.resolve(metadata)).authenticator, settings, context);
    },
  };
  return signIn;
};
