import type { Authenticator } from '../../../../auth/login/types.js';
import { oauthStore } from '../token-files.js';
import type { ServerAuthMetadata } from '../server-metadata.js';
import { loginCommand, type SignInSettings } from '../settings.js';
import type { TokenMethod } from '../token-method.js';
import type { SignInContext, SignInKind } from './kind.js';
import { notSignedIn, tokenLine, tokenSignIn } from './token-kind.js';

/**
 * The `oauth` kind: any OAuth 2.1 authorization server the server's RFC 9728 metadata names
 * (auth/oauth/authenticator.ts: device grant where offered, else a browser with PKCE; the
 * configured client, with its secret, else a client ID metadata document where the authorization
 * server takes them, else dynamic registration). The server's 401 challenge is followed: its
 * `resource_metadata` and `scope` are used. Tokens are bound to the server by their RFC 8707
 * `resource` and stored under it (auth/oauth/token-store.ts), so no Entra gate applies.
 */

/** The Authenticator for these settings, with what the server's challenge said when at hand. */
export async function oauthAuthenticator(settings: SignInSettings, context: SignInContext, metadata: ServerAuthMetadata | undefined): Promise<Authenticator> {
  const { createOAuthAuthenticator } = await import('../../../../auth/oauth/authenticator.js');
  return createOAuthAuthenticator({
    serverUrl: settings.server.url,
    store: oauthStore(settings, context.authenticatorDeps.onWarning),
    ...(settings.clientId && { clientId: settings.clientId.value }),
    ...(settings.clientSecret && { clientSecret: settings.clientSecret.value }),
    ...(settings.clientMetadataUrl && { clientMetadataUrl: settings.clientMetadataUrl.value }),
    ...(settings.scope && { scope: settings.scope.value }),
    ...(metadata && { known: { document: metadata.document, ...(metadata.challengeScope && { challengeScope: metadata.challengeScope }) } }),
    ...(context.fetch && { fetch: context.fetch }),
    ...(context.now && { now: context.now }),
  });
}

/** `warden status`'s line: the grant stored for this server, read without any network. */
export async function oauthReport(settings: SignInSettings, now: number) {
  const found = await oauthStore(settings).grantForServer(settings.server.url);
  if (!found) return notSignedIn(settings);
  // The authorization server refused its refresh token: the next step is a sign-in, and the line says why.
  if (found.grant.refused) return { signedIn: false, detail: `${found.grant.refused} (run \`${loginCommand(settings)}\`)` };
  const who = found.grant.subject ?? 'signed in';
  return { signedIn: true, detail: `${who}, ${tokenLine(found.grant.expiresAt, found.grant.refreshToken !== undefined, settings, now)}` };
}

export const oauth: SignInKind = (settings, context) => {
  const method: TokenMethod = {
    followsChallenge: true,
    resolve: async (metadata) => ({ authenticator: await oauthAuthenticator(settings, context, metadata) }),
  };
  return tokenSignIn(settings, context, { method, describe: ({ now }) => oauthReport(settings, now) });
};
