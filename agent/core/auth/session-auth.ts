import type { AuthProvider, FetchLike } from '@modelcontextprotocol/client';
import { TOKEN_EXPIRY_MARGIN_MS } from '../../../auth/login/access-token.js';
import { describeApprovalReason, type ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import { SignInCancelledError, SignInRequiredError, type AccessToken, type DeviceCodePrompt } from '../../../auth/login/types.js';
import { errorMessage } from '../../../config/error-text.js';
import { printableUrl } from '../../../config/printable-url.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { AuthState } from '../engine-types.js';
import { AuthFailedError, ServerApprovalNeededError, SignInNeededError, TokenRejectedError } from '../mcp/errors.js';
import { loadMcpSdk } from '../mcp/sdk.js';
import { discoverServerMetadata, readServerMetadata, type ServerAuthMetadata } from './server-metadata.js';
import type { ResolvedMethod, TokenMethod } from './token-method.js';

/**
 * Tokens for one server's MCP transport (the SDK's AuthProvider): silent acquisition kept in
 * memory, one forced refresh per 401, the server's metadata where the settings need it, the gate,
 * and interactive sign-in on request. Its phases are one type (Phase); the AuthState the UI shows
 * is derived from the phase, so a cancelled sign-in leaves the state it found.
 * Not responsible for how a kind builds its Authenticator (token-method.ts, kinds/) nor for when
 * to sign in interactively (the front ends ask).
 */

export interface SessionAuthOptions {
  serverUrl: string;
  method: TokenMethod;
  fetch?: FetchLike;
  now?: () => number;
  /** How the user approves a refused server in this front end, for the one-line reason. */
  approvalHint?: string;
  /** The command that signs in to this server (`warden login NAME`), named when nobody is signed in. */
  loginCommand?: string;
  onState: (state: AuthState) => void;
}

interface Method extends ResolvedMethod {
  /** Built with the server's metadata (after a 401, or read for a sign-in). */
  withMetadata: boolean;
}

/** Where this server's sign-in stands. */
type Phase =
  /** Nothing built yet (or the kind waits for the server's 401 to know how to sign in). */
  | { name: 'unresolved' }
  /** No sign-in can be built: `error` says why; `withMetadata`: the server's metadata did not help either. */
  | { name: 'unusable'; error: string; withMetadata: boolean }
  /** The gate refused these settings: nothing is obtained or sent until the user approves. */
  | { name: 'approval-needed'; method: Method; reason: ApprovalReason; declined: boolean }
  /** Usable, no token held. */
  | { name: 'signed-out'; method: Method }
  | { name: 'signed-in'; method: Method; token: AccessToken }
  /** Getting a token failed (identity provider down, refresh refused for another reason). */
  | { name: 'failed'; method: Method; error: string }
  /** The server refused a token just issued for it, or still refuses after consent: signing in again will not help. */
  | { name: 'rejected'; method: Method; token?: AccessToken; error: string };

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

/** What the server asked of the next token (claims, consent), and the token it has yet to accept. */
interface ServerAsks {
  /** A token the identity provider issued in this run that the server has not accepted yet. */
  unproven?: string;
  /** The claims of the last claims challenge; an interactive sign-in asks for them too. */
  claims?: string;
  /** Scopes a 403 insufficient_scope named that the next sign-in consents to. */
  consent: string[];
  /** Scopes consented to in this run. */
  consented: Set<string>;
}

export class SessionAuth {
  private phase: Phase = { name: 'unresolved' };
  /** An interactive sign-in runs (the phase below it still holds: a cached token keeps working). */
  private signingIn: { prompt?: DeviceCodePrompt } | undefined;
  private readonly asks: ServerAsks = { consent: [], consented: new Set() };
  /** What the server said about its sign-in, once read (after a 401, or for a sign-in). */
  private metadata: ServerAuthMetadata | undefined;
  /** In flight, shared by concurrent callers. */
  private building: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SessionAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state the UI shows, from the phase. */
  state(): AuthState {
    if (this.signingIn) return { state: 'signing-in', ...(this.signingIn.prompt && { prompt: this.signingIn.prompt }) };
    const p = this.phase;
    // Until the server asks (401), a kind that signs in only then has no sign-in in use.
    const notAsked: AuthState = this.options.method.onlyWhenAsked ? { state: 'disabled', why: 'not-asked' } : { state: 'signed-out' };
    switch (p.name) {
      case 'unresolved':
        return notAsked;
      case 'signed-out':
        return { state: 'signed-out' };
      case 'unusable':
        return p.withMetadata ? { state: 'error', error: p.error } : notAsked;
      case 'approval-needed':
        return { state: p.declined ? 'approval-declined' : 'approval-needed', request: p.reason };
      case 'signed-in':
        return { state: 'signed-in', account: p.token.account.username, expiresAt: p.token.expiresOn.getTime() };
      case 'failed':
        return { state: 'error', error: p.error };
      case 'rejected':
        return { state: 'error', error: p.error, rejected: true };
    }
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
      if (this.asks.unproven === undefined || sentBearer(init) !== this.asks.unproven) return response;
      if (response.ok) this.asks.unproven = undefined;
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
    const method = await this.method(undefined);
    const p = this.phase;
    if (!method || p.name === 'approval-needed') return undefined;
    // The server refuses this token whatever happens: it says so again rather than a refresh being wasted.
    if (p.name === 'rejected') return p.token?.accessToken;
    if (p.name === 'signed-in' && p.token.expiresOn.getTime() - this.now() > TOKEN_EXPIRY_MARGIN_MS) return p.token.accessToken;
    try {
      return await this.accept(method, await method.authenticator.acquireTokenSilently());
    } catch (error) {
      // Sent without a token, the server answers 401 and onUnauthorized decides what that means.
      this.set(error instanceof SignInRequiredError ? { name: 'signed-out', method } : { name: 'failed', method, error: errorMessage(error) });
      return undefined;
    }
  }

  async onUnauthorized(challenge: Response | undefined): Promise<void> {
    let method = await this.method(undefined);
    if (this.wantsMetadata(method)) {
      const known = method;
      const metadata = await readServerMetadata(this.options.serverUrl, challenge, this.options.fetch).catch((error: unknown) => {
        if (!known) throw new SignInNeededError(`the server needs sign-in, but ${this.whyUnusable()} (${errorMessage(error)})`);
        return undefined;
      });
      if (metadata) method = await this.method(metadata);
    }
    if (!method) throw new SignInNeededError(`the server needs sign-in, but ${this.whyUnusable()}`);
    this.requirePermission();
    const claims = claimsChallenge(challenge);
    if (claims !== undefined) this.asks.claims = claims;
    // Concurrent 401s share one refresh.
    this.refreshing ??= this.refresh(method, claims).finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }

  /** Interactive sign-in (device code or browser); its prompt is reported as state while it runs. */
  async signIn(signal?: AbortSignal): Promise<AccessToken> {
    // An explicit sign-in asks a declined approval again.
    if (this.phase.name === 'approval-needed' && this.phase.declined) this.set({ ...this.phase, declined: false });
    let method = await this.method(undefined);
    if (this.wantsMetadata(method)) {
      // No 401 at hand: the server is asked for one (its metadata pointer and scope), else its well-known locations.
      const known = method;
      const metadata = await discoverServerMetadata(this.options.serverUrl, this.options.fetch).catch((error: unknown) => {
        if (!known) throw new Error(`cannot sign in: ${this.whyUnusable()} (${errorMessage(error)})`);
        return undefined;
      });
      if (metadata) method = await this.method(metadata);
    }
    if (!method) throw new Error(`cannot sign in: ${this.whyUnusable()}`);
    this.requirePermission();
    this.signingIn = {};
    this.report();
    try {
      const token = await method.authenticator.signIn({
        onDeviceCode: (prompt) => {
          this.signingIn = { prompt };
          this.report();
        },
        ...(signal && { signal }),
        ...(this.asks.claims !== undefined && { claims: this.asks.claims }),
        ...(this.asks.consent.length > 0 && { scopes: this.asks.consent }),
      });
      for (const scope of this.asks.consent) this.asks.consented.add(scope);
      this.asks.consent = [];
      this.signingIn = undefined;
      await this.accept(method, token, true);
      return token;
    } catch (error) {
      this.signingIn = undefined;
      const cancelled = signal?.aborted === true || error instanceof SignInCancelledError;
      // A failed or cancelled sign-in changes nothing about a token that still works.
      if (cancelled || this.phase.name === 'signed-in') this.report();
      else this.set({ name: 'failed', method, error: errorMessage(error) });
      throw error;
    }
  }

  /**
   * The user's answer to an 'approval-needed' state: yes records the approval (the caller then
   * reconnects), no leaves the server without a token.
   */
  async answerApproval(approved: boolean): Promise<void> {
    const p = this.phase;
    if (p.name !== 'approval-needed') return;
    if (!approved) {
      this.set({ ...p, declined: true });
      return;
    }
    await p.method.gate?.approve(p.reason);
    // Another refusal may follow (an identity provider approved, then a scope bound elsewhere).
    this.set(await this.permitted(p.method));
  }

  async signOut(): Promise<void> {
    const p = this.phase;
    if (p.name === 'signed-in' || p.name === 'failed' || p.name === 'rejected' || p.name === 'signed-out') {
      await p.method.authenticator.signOut();
      this.set({ name: 'signed-out', method: p.method });
    }
  }

  private set(phase: Phase): void {
    this.phase = phase;
    this.report();
  }

  private report(): void {
    this.options.onState(this.state());
  }

  private methodOf(p: Phase): Method | undefined {
    return 'method' in p ? p.method : undefined;
  }

  /** Whether the server's metadata should be read now: nothing usable was built without it, or this kind follows the challenge. */
  private wantsMetadata(method: Method | undefined): boolean {
    if (method) return !method.withMetadata && this.options.method.followsChallenge;
    return !(this.phase.name === 'unusable' && this.phase.withMetadata);
  }

  private whyUnusable(): string {
    return this.phase.name === 'unusable' ? this.phase.error : 'sign-in is not configured';
  }

  /**
   * The method: built on first need from the settings alone, again with the server's metadata once
   * that is at hand and the first could not be built (or the kind follows the challenge). Each way
   * of building is tried once; its failure is the phase.
   */
  private async method(metadata: ServerAuthMetadata | undefined): Promise<Method | undefined> {
    await this.building;
    if (metadata) this.metadata = metadata;
    const withMetadata = this.metadata !== undefined;
    const current = this.methodOf(this.phase);
    if (current && (current.withMetadata || !withMetadata || !this.options.method.followsChallenge)) return current;
    if (this.phase.name === 'unusable' && this.phase.withMetadata === withMetadata) return undefined;
    this.building ??= this.build(this.metadata).finally(() => (this.building = undefined));
    await this.building;
    return this.methodOf(this.phase);
  }

  private async build(metadata: ServerAuthMetadata | undefined): Promise<void> {
    const withMetadata = metadata !== undefined;
    let resolved: ResolvedMethod;
    try {
      resolved = await this.options.method.resolve(metadata);
    } catch (error) {
      this.phase = { name: 'unusable', error: errorMessage(error), withMetadata };
      // Without the metadata an incomplete configuration is no news yet: the server's 401 may complete it.
      if (withMetadata) this.report();
      return;
    }
    this.set(await this.permitted({ ...resolved, withMetadata }));
  }

  /** The gate's decision for a method, as the phase it leads to. */
  private async permitted(method: Method): Promise<Phase> {
    if (!method.gate) return { name: 'signed-out', method };
    let decision: Awaited<ReturnType<NonNullable<Method['gate']>['check']>>;
    try {
      decision = await method.gate.check();
    } catch (error) {
      throw new AuthFailedError(`cannot read the server approvals: ${errorMessage(error)}`);
    }
    return decision.allowed ? { name: 'signed-out', method } : { name: 'approval-needed', method, reason: decision.reason, declined: false };
  }

  private requirePermission(): void {
    const p = this.phase;
    if (p.name === 'approval-needed') {
      this.report();
      throw new ServerApprovalNeededError(p.reason, describeApprovalReason(p.reason, this.options.approvalHint ?? 'approve it to continue'));
    }
  }

  /** A token obtained: the server is bound to its scope (first use) before the token is handed out. */
  private async accept(method: Method, token: AccessToken, issuedNow = false): Promise<string> {
    await method.gate?.bind();
    if (issuedNow) this.asks.unproven = token.accessToken;
    this.set({ name: 'signed-in', method, token });
    return token.accessToken;
  }

  /** One silent refresh per 401; with a claims challenge's claims, a token that carries them. */
  private async refresh(method: Method, claims: string | undefined): Promise<void> {
    try {
      await this.accept(method, await method.authenticator.acquireTokenSilently({ forceRefresh: true, ...(claims !== undefined && { claims }) }), true);
    } catch (error) {
      if (error instanceof SignInRequiredError) {
        this.set({ name: 'signed-out', method });
        // With the authenticator's reason: it names the server and what refused (a refresh token revoked or expired).
        const reason = error.message || 'the session expired or was never started';
        const line = /^not signed in\b/i.test(reason) ? reason : `not signed in: ${reason}`;
        throw new SignInNeededError(this.options.loginCommand ? `${line} (run \`${this.options.loginCommand}\`)` : line);
      }
      this.set({ name: 'failed', method, error: errorMessage(error) });
      throw new AuthFailedError(`could not get a token: ${errorMessage(error)}`);
    }
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
    if (wanted.some((s) => !this.asks.consented.has(s))) {
      this.asks.consent = wanted;
      return;
    }
    const reason = `${safeLine(scope, 160)}${errorDescription ? `: ${safeLine(errorDescription, 160)}` : ''}`;
    this.refuse(`the server at ${printableUrl(this.options.serverUrl)} still refuses after consent to ${reason}`);
  }

  /** The server's 401 to a just-issued token, as one sanitised line (its `error` and `error_description`). */
  private async rejected(response: Response): Promise<TokenRejectedError> {
    const { extractWWWAuthenticateParams } = await loadMcpSdk();
    const { error, errorDescription } = extractWWWAuthenticateParams(response);
    await response.body?.cancel().catch(() => undefined);
    const reason = error ? `${safeLine(error, 40)}${errorDescription ? `: ${safeLine(errorDescription, 160)}` : ''}` : 'HTTP 401, no reason given';
    const text = `the server at ${printableUrl(this.options.serverUrl)} rejected the token just issued for it (${reason}); signing in again will not help — check the audience and issuer it expects`;
    this.refuse(text);
    return new TokenRejectedError(text);
  }

  private refuse(error: string): void {
    const p = this.phase;
    const method = this.methodOf(p);
    if (!method) return;
    this.set({ name: 'rejected', method, error, ...(p.name === 'signed-in' && { token: p.token }) });
  }
}
