import type { AuthProvider, FetchLike } from '@modelcontextprotocol/client';
import { describeApprovalReason, type ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import { errorMessage } from '../../../config/error-text.js';
import { printableUrl } from '../../../config/printable-url.js';
import { safeLine } from '../../../config/terminal-text.js';
import { SignInCancelledError, SignInRequiredError, type AccessToken, type Authenticator } from '../../../auth/login/types.js';
import type { AuthState } from '../engine-types.js';
import { AuthFailedError, ServerApprovalNeededError, SignInNeededError, TokenRejectedError } from '../mcp/errors.js';
import { loadMcpSdk } from '../mcp/sdk.js';
import { discoverAuth, type DiscoveredAuth } from './discovery.js';
import type { SignInGate } from './sign-in-gate.js';

/**
 * Builds the Authenticator. Called first without `discovered` (configured ENTRA_* only) and, if that
 * throws (e.g. ConfigError: no ENTRA_TENANT_ID), again with what the server's metadata says.
 */
export type AuthenticatorFactory = (discovered?: DiscoveredAuth) => Authenticator | Promise<Authenticator>;

export interface SessionAuthOptions {
  serverUrl: string;
  authenticator?: Authenticator;
  createAuthenticator?: AuthenticatorFactory;
  fetch?: FetchLike;
  now?: () => number;
  /**
   * Which servers may receive tokens for which scope, and which identity providers may be used.
   * Absent: the caller configured the Authenticator for this server itself (the demo, tests).
   */
  gate?: SignInGate;
  /** How the user approves a refused server in this front end, for the one-line reason. */
  approvalHint?: string;
  onState: (state: AuthState) => void;
}

/** A cached token is reused until this close to its expiry (MSAL itself refreshes within 5 minutes). */
const EXPIRY_MARGIN_MS = 2 * 60_000;

/**
 * The claims request of an Entra claims challenge (`error="insufficient_claims", claims="<base64 JSON>"`),
 * used by Conditional Access authentication contexts and CAE; undefined for any other 401.
 */
function claimsChallenge(response: Response | undefined): string | undefined {
  const header = response?.headers.get('www-authenticate') ?? '';
  if (!/\berror="?insufficient_claims\b/.test(header)) return undefined;
  const encoded = /\bclaims="([^"]*)"/.exec(header)?.[1];
  if (!encoded) return undefined;
  const json = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    JSON.parse(json);
    return json;
  } catch {
    return undefined;
  }
}

/** The bearer token a request carries (compared, never shown). */
function sentBearer(init: RequestInit | undefined): string | undefined {
  const header = new Headers(init?.headers).get('authorization');
  return header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined;
}

/**
 * Tokens for the MCP transport: silent acquisition (kept in memory so the file cache is not read
 * per request), one forced refresh on 401, zero-config discovery, and device-code sign-in.
 */
export class SessionAuth {
  private authenticator: Authenticator | undefined;
  private discovered: DiscoveredAuth | undefined;
  /** Why no Authenticator could be built yet, and whether discovery was already used for it. */
  private setupError: { message: string; withDiscovery: boolean } | undefined;
  private creating: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private cached: AccessToken | undefined;
  /** What the gate said for the current settings; cleared when they or the approvals change. */
  private permission: Promise<ApprovalReason | undefined> | undefined;
  /** The user said no to the pending approval; asked again only on an explicit sign-in. */
  private declined = false;
  /** A token the identity provider issued in this run (sign-in or forced refresh) that the server has not accepted yet. */
  private unproven: string | undefined;
  /** The claims the server's last claims challenge asked for; an interactive sign-in asks for them too. */
  private claims: string | undefined;
  /** Scopes a 403 insufficient_scope named that the next sign-in consents to, and those asked for already. */
  private consent: string[] = [];
  private readonly consented = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: SessionAuthOptions) {
    this.authenticator = options.authenticator;
    this.now = options.now ?? Date.now;
  }

  /**
   * The transport's fetch, watched: a 401 to a token the identity provider has just issued ends
   * with the server's own reason, where another refresh or sign-in would only get the same token
   * rejected again (the device-code loop of issue 13). Its first 2xx proves the token. A 403
   * insufficient_scope naming scopes is noted for the next sign-in to consent to.
   */
  watchFetch(base: FetchLike | undefined): FetchLike {
    return async (url, init) => {
      const response = await (base ?? fetch)(url, init);
      if (response.status === 403 && sentBearer(init) !== undefined) await this.insufficientScope(response);
      if (this.unproven === undefined || sentBearer(init) !== this.unproven) return response;
      if (response.ok) this.unproven = undefined;
      // A claims challenge asks for more than this token has: onUnauthorized gets a token with it.
      else if (response.status === 401 && !claimsChallenge(response)) throw await this.rejected(response);
      return response;
    };
  }

  /** The transport's view: `token()` before each request, `onUnauthorized()` once per 401. */
  provider(): AuthProvider {
    return { token: () => this.token(), onUnauthorized: (ctx) => this.onUnauthorized(ctx.response) };
  }

  async token(): Promise<string | undefined> {
    // Checked on every request, before any token (even one held in memory) leaves.
    if (this.gated && (await this.refusal())) return undefined;
    if (this.cached && this.cached.expiresOn.getTime() - this.now() > EXPIRY_MARGIN_MS) return this.cached.accessToken;
    const authenticator = await this.resolve();
    if (!authenticator) return undefined;
    try {
      if (await this.refusal()) return undefined;
      return await this.accept(await authenticator.acquireTokenSilently());
    } catch (error) {
      // Sent without a token, the server answers 401 and onUnauthorized decides what that means.
      this.cached = undefined;
      this.options.onState(error instanceof SignInRequiredError ? { state: 'signed-out' } : { state: 'error', error: errorMessage(error) });
      return undefined;
    }
  }

  async onUnauthorized(challenge: Response | undefined): Promise<void> {
    this.cached = undefined;
    let authenticator = await this.resolve();
    if (!authenticator && !this.discovered) {
      try {
        this.discovered = await discoverAuth(this.options.serverUrl, challenge, this.options.fetch);
        this.permission = undefined;
      } catch (error) {
        throw new SignInNeededError(`the server needs sign-in, but ${this.setupError?.message ?? 'sign-in is not configured'} (${errorMessage(error)})`);
      }
      authenticator = await this.resolve();
    }
    if (!authenticator) throw new SignInNeededError(`the server needs sign-in, but ${this.setupError?.message ?? 'sign-in is not configured'}`);
    await this.requirePermission();
    const claims = claimsChallenge(challenge);
    if (claims !== undefined) this.claims = claims;
    // Concurrent 401s share one refresh.
    this.refreshing ??= this.refresh(authenticator, claims).finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }

  /** Interactive device-code sign-in; the prompt is reported through onState while it runs. */
  async signIn(signal?: AbortSignal): Promise<AccessToken> {
    this.declined = false;
    let authenticator = await this.resolve();
    if (!authenticator && !this.discovered) {
      // No 401 at hand: read the server's metadata from its well-known location.
      try {
        this.discovered = await discoverAuth(this.options.serverUrl, undefined, this.options.fetch);
        this.permission = undefined;
      } catch (error) {
        throw new Error(`cannot sign in: ${this.setupError?.message ?? 'sign-in is not configured'} (${errorMessage(error)})`);
      }
      authenticator = await this.resolve();
    }
    if (!authenticator) throw new Error(`cannot sign in: ${this.setupError?.message ?? 'sign-in is not configured'}`);
    await this.requirePermission();
    this.options.onState({ state: 'signing-in' });
    try {
      const token = await authenticator.signIn({
        onDeviceCode: (prompt) => this.options.onState({ state: 'signing-in', prompt }),
        ...(signal && { signal }),
        ...(this.claims !== undefined && { claims: this.claims }),
        ...(this.consent.length > 0 && { scopes: this.consent }),
      });
      for (const scope of this.consent) this.consented.add(scope);
      this.consent = [];
      await this.accept(token, true);
      return token;
    } catch (error) {
      const cancelled = signal?.aborted === true || error instanceof SignInCancelledError;
      this.options.onState(cancelled ? { state: 'signed-out' } : { state: 'error', error: errorMessage(error) });
      throw error;
    }
  }

  /**
   * The user's answer to an 'approval-needed' state: yes records the approval (the caller then
   * reconnects), no leaves the server without a token.
   */
  async answerApproval(approved: boolean): Promise<void> {
    const reason = this.permission ? await this.permission : undefined;
    if (!reason || !this.options.gate) return;
    if (!approved) {
      this.declined = true;
      this.options.onState({ state: 'approval-declined', request: reason });
      return;
    }
    await this.options.gate.approve(reason);
    this.permission = undefined;
    this.options.onState({ state: 'signed-out' });
  }

  async signOut(): Promise<void> {
    this.cached = undefined;
    await this.authenticator?.signOut();
    this.options.onState({ state: 'signed-out' });
  }

  /** A token obtained: the server is bound to its scope (first use) before the token is handed out. */
  private async accept(token: AccessToken, issuedNow = false): Promise<string> {
    await this.options.gate?.bind(this.discovered);
    this.cached = token;
    if (issuedNow) this.unproven = token.accessToken;
    this.options.onState({ state: 'signed-in', account: token.account.username, expiresAt: token.expiresOn.getTime() });
    return token.accessToken;
  }

  /**
   * A 403 insufficient_scope naming scopes: the next sign-in asks for them, once. Named again after
   * that consent, it is the server's (or the identity provider's) refusal, not a reason to ask again.
   */
  private async insufficientScope(response: Response): Promise<void> {
    const { extractWWWAuthenticateParams } = await loadMcpSdk();
    const { error, scope, errorDescription } = extractWWWAuthenticateParams(response);
    if (error !== 'insufficient_scope' || !scope) return;
    const wanted = scope.split(' ').filter(Boolean);
    const fresh = wanted.filter((s) => !this.consented.has(s));
    if (fresh.length > 0) {
      this.consent = wanted;
      return;
    }
    const reason = `${safeLine(scope, 160)}${errorDescription ? `: ${safeLine(errorDescription, 160)}` : ''}`;
    this.options.onState({ state: 'error', error: `the server at ${printableUrl(this.options.serverUrl)} still refuses after consent to ${reason}`, rejected: true });
  }

  /** The server's 401 to a just-issued token, as one sanitised line (its `error` and `error_description`). */
  private async rejected(response: Response): Promise<TokenRejectedError> {
    const { extractWWWAuthenticateParams } = await loadMcpSdk();
    const { error, errorDescription } = extractWWWAuthenticateParams(response);
    await response.body?.cancel().catch(() => undefined);
    const reason = error ? `${safeLine(error, 40)}${errorDescription ? `: ${safeLine(errorDescription, 160)}` : ''}` : 'HTTP 401, no reason given';
    const text = `the server at ${printableUrl(this.options.serverUrl)} rejected the token just issued for it (${reason}); signing in again will not help — check the audience and issuer it expects`;
    this.options.onState({ state: 'error', error: text, rejected: true });
    return new TokenRejectedError(text);
  }

  /** Whether a gate has anything to say yet (it needs the Authenticator's settings first). */
  private get gated(): boolean {
    return this.options.gate !== undefined && this.authenticator !== undefined;
  }

  /** Why the current settings need the user's approval first (reported as state), or undefined. */
  private async refusal(): Promise<ApprovalReason | undefined> {
    const gate = this.options.gate;
    if (!gate) return undefined;
    this.permission ??= gate.check(this.discovered).then((d) => (d.allowed ? undefined : d.reason));
    const reason = await this.permission.catch((error: unknown) => {
      this.permission = undefined;
      throw new AuthFailedError(`cannot read the server approvals: ${errorMessage(error)}`);
    });
    if (reason) {
      this.cached = undefined;
      this.options.onState({ state: this.declined ? 'approval-declined' : 'approval-needed', request: reason });
    }
    return reason;
  }

  private async requirePermission(): Promise<void> {
    const reason = await this.refusal();
    if (reason) throw new ServerApprovalNeededError(reason, describeApprovalReason(reason, this.options.approvalHint ?? 'approve it to continue'));
  }

  /** One silent refresh per 401; with a claims challenge's claims, a token that carries them. */
  private async refresh(authenticator: Authenticator, claims: string | undefined): Promise<void> {
    try {
      await this.accept(await authenticator.acquireTokenSilently({ forceRefresh: true, ...(claims !== undefined && { claims }) }), true);
    } catch (error) {
      if (error instanceof SignInRequiredError) {
        this.options.onState({ state: 'signed-out' });
        throw new SignInNeededError('not signed in (the session expired or was never started)');
      }
      this.options.onState({ state: 'error', error: errorMessage(error) });
      throw new AuthFailedError(`could not get a token: ${errorMessage(error)}`);
    }
  }

  /** The Authenticator, built on first need; undefined (with `setupError`) while that is impossible. */
  private async resolve(): Promise<Authenticator | undefined> {
    if (this.authenticator) return this.authenticator;
    const factory = this.options.createAuthenticator;
    if (!factory) {
      this.setupError = { message: 'sign-in is not configured', withDiscovery: true };
      return undefined;
    }
    const withDiscovery = this.discovered !== undefined;
    // Each way of building (without, then with discovery) is tried once; its error is kept.
    if (this.setupError && this.setupError.withDiscovery === withDiscovery) return undefined;
    this.creating ??= (async () => {
      try {
        this.authenticator = await factory(this.discovered);
        this.setupError = undefined;
      } catch (error) {
        this.setupError = { message: errorMessage(error), withDiscovery };
        if (withDiscovery) this.options.onState({ state: 'error', error: errorMessage(error) });
      }
    })().finally(() => (this.creating = undefined));
    await this.creating;
    return this.authenticator;
  }
}
