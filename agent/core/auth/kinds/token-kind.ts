import { describeExpiry, relativeTime } from '../../../../auth/login/format.js';
import { describeApprovalReason } from '../../../../auth/login/sign-in-policy.js';
import { SignInRequiredError, type Authenticator } from '../../../../auth/login/types.js';
import { errorMessage } from '../../../../config/error-text.js';
import { ConfigError } from '../../../../config/errors.js';
import { ServerApprovalNeededError } from '../../mcp/errors.js';
import { SessionAuth } from '../session-auth.js';
import { clearWhenSignedOut, signOutEveryone } from '../token-files.js';
import { boundedFetch, discoverServerMetadata } from '../server-metadata.js';
import { loginCommand, tokenCacheOf, type SignInSettings } from '../settings.js';
import { NeedsServerMetadata, type ResolvedMethod, type TokenMethod } from '../token-method.js';
import type { LoginOptions, LoginOutcome, LogoutOutcome, ServerSignIn, SignInContext, SignInReport } from './kind.js';

/**
 * What the kinds that get tokens (entra, oauth, client-credentials, server) share: a SessionAuth
 * for the transport, and `login`/`logout` on the kind's method — built from the settings, with
 * the server's metadata read from its well-known location when the settings need it (commands
 * have no 401 at hand), the gate checked before anything is asked of an identity provider.
 * Not responsible for the kind's own method or its status line (each kind's module).
 */

/** How long a command waits for a server's metadata (Ctrl-C stops it sooner). */
export const METADATA_TIMEOUT_MS = 5000;

/**
 * The method for a command: from the settings, else with the server's metadata; one ConfigError
 * line when neither works. A kind that follows the challenge (`oauth`) signs in by what the
 * server's 401 says (its metadata pointer, its scope) when the server answers; `offline` (logout)
 * asks the server nothing a kind can do without.
 */
export async function resolveForCommand(
  settings: SignInSettings,
  method: TokenMethod,
  context: SignInContext,
  signal?: AbortSignal,
  { offline = false }: { offline?: boolean } = {},
): Promise<ResolvedMethod> {
  const url = settings.server.url;
  const serverMetadata = () => discoverServerMetadata(url, boundedFetch(context.fetch ?? fetch, METADATA_TIMEOUT_MS, signal));
  if (method.followsChallenge && !offline) {
    // Unreadable here, the kind may still find it itself (and say why not when it signs in).
    const metadata = await serverMetadata().catch(() => undefined);
    if (metadata) return method.resolve(metadata);
  }
  try {
    return await method.resolve(undefined);
  } catch (error) {
    if (!(error instanceof NeedsServerMetadata)) throw error;
    const metadata = await serverMetadata().catch((cause: unknown) => {
      throw new ConfigError(`${error.message} and ${url} did not say ${error.what} (${errorMessage(cause)})${error.fix ? `; ${error.fix}` : ''}`);
    });
    return method.resolve(metadata);
  }
}

/** One line for login/logout users whose server the gate refused. */
export const APPROVE_FLAG_HINT = 'run again with --approve-server to approve';

export interface TokenKindParts {
  method: TokenMethod;
  /** The kind's line in `warden status`. */
  describe: ServerSignIn['describe'];
}

export function tokenSignIn(settings: SignInSettings, context: SignInContext, parts: TokenKindParts): ServerSignIn {
  const { method } = parts;
  return {
    settings,
    connect: (onState) => {
      const session = new SessionAuth({
        serverUrl: settings.server.url,
        method,
        approvalHint: context.approvalHint,
        loginCommand: loginCommand(settings),
        ...(context.fetch && { fetch: context.fetch }),
        ...(context.now && { now: context.now }),
        onState,
      });
      return { provider: session.provider(), session };
    },
    describe: parts.describe,

    async login(options) {
      return loginWith(await resolveForCommand(settings, method, context, options.signal), options);
    },

    async logout({ signal }) {
      // Signing out sends nothing to a server or an identity provider: no approval is needed.
      let resolved: ResolvedMethod;
      try {
        resolved = await resolveForCommand(settings, method, context, signal, { offline: true });
      } catch (error) {
        // Signing out is never blocked by settings that are missing here: everyone in the token cache goes.
        if (!(error instanceof ConfigError)) throw error;
        const { accounts, notCleared } = await signOutEveryone(settings, context.authenticatorDeps.onWarning);
        if (accounts.length === 0) return { outcome: 'none-signed-in' };
        return { outcome: 'signed-out-all', accounts, cache: tokenCacheOf(settings), ...(notCleared.length > 0 && { notCleared }) };
      }
      return logoutWith(resolved.authenticator, settings, context);
    },
  };
}

/** `warden login` with a built sign-in: the gate first (nothing is asked of a refused provider), a usable cached token, else a sign-in. */
export async function loginWith({ authenticator, gate }: ResolvedMethod, { force, onPrompt, onNotice, signal }: LoginOptions): Promise<LoginOutcome> {
  const decision = await gate?.check();
  // Refused before anything is sent to the identity provider.
  if (decision && !decision.allowed) throw new ServerApprovalNeededError(decision.reason, describeApprovalReason(decision.reason, APPROVE_FLAG_HINT));
  if (!force && (await authenticator.currentAccount())) {
    try {
      const token = await authenticator.acquireTokenSilently();
      await gate?.bind();
      return { outcome: 'already', token };
    } catch (error) {
      // The cached sign-in is no longer usable (or the provider is unreachable, which the sign-in will report).
      if (!(error instanceof SignInRequiredError)) onNotice(`the cached sign-in cannot be renewed (${errorMessage(error)}); signing in again`);
    }
  }
  const token = await authenticator.signIn({ onDeviceCode: onPrompt, ...(signal && { signal }) });
  await gate?.bind();
  return { outcome: 'signed-in', token };
}

/** `warden logout` with a built sign-in's Authenticator: removes the account, says who stays. */
export async function logoutWith(authenticator: Authenticator, settings: SignInSettings, context: SignInContext): Promise<LogoutOutcome> {
  const removed = await authenticator.signOut();
  if (!removed) return { outcome: 'none-signed-in' };
  const remaining = await authenticator.currentAccount();
  // The last sign-in gone: the token files and the data key in the OS secret store go too.
  const notCleared = remaining ? [] : await clearWhenSignedOut(settings, context.authenticatorDeps.onWarning);
  return { outcome: 'signed-out', account: removed, ...(remaining && { remaining }), ...(notCleared.length > 0 && { notCleared }) };
}

/** `token valid until …`, `token expired … ; renewed on next use`, or what to run. */
export function tokenLine(expiresAt: number | undefined, canRefresh: boolean, settings: SignInSettings, now: number): string {
  const login = `run \`${loginCommand(settings)}\``;
  if (expiresAt === undefined) return canRefresh ? 'renewed on next use' : login;
  if (expiresAt > now) return `token valid until ${describeExpiry(new Date(expiresAt), now)}`;
  return `token expired ${relativeTime(new Date(expiresAt), now)}; ${canRefresh ? 'renewed on next use (refresh token kept)' : login}`;
}

/** What a report says when nobody is signed in. */
export function notSignedIn(settings: SignInSettings): SignInReport {
  return { signedIn: false, detail: `not signed in (run \`${loginCommand(settings)}\`)` };
}
