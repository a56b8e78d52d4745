import type { AuthProvider, FetchLike } from '@modelcontextprotocol/client';
import type { AuthenticatorDeps } from '../../../../auth/login/index.js';
import type { ApprovalReason } from '../../../../auth/login/sign-in-policy.js';
import type { AccessToken, AccountSummary, DeviceCodePrompt } from '../../../../auth/login/types.js';
import type { Env } from '../../../../config/load.js';
import type { AuthState } from '../../engine-types.js';
import type { SessionAuth } from '../session-auth.js';
import type { SignInSettings } from '../settings.js';

/**
 * What every sign-in kind answers about one server — the contract of the modules in this
 * directory (none, bearer, entra, oauth, client-credentials, server): its AuthProvider for the
 * transport and the state it reports (the chat, -p, `mcp list`), its line in `warden status`,
 * and what `warden login` and `logout` do for it.
 * Types only; server-sign-in.ts picks the kind for a server.
 */

/** What a kind needs besides the server's settings. */
export interface SignInContext {
  /** Where `bearer` tokens are read (at each request). */
  env: Env;
  fetch?: FetchLike;
  now?: () => number;
  /** --approve-server: approve (and record) what this run's servers ask for. */
  approveRun: boolean;
  /** How the user approves a refused server in this front end (a key, a flag), for the one-line reason. */
  approvalHint: string;
  /** MSAL's HTTP client, clock, warnings and lock tuning. */
  authenticatorDeps: AuthenticatorDeps;
  /** Entra: scopes of other configured servers of the same API that one device code consents to. */
  alsoConsent: readonly string[];
}

/** The transport's side: its AuthProvider, and the sign-in state machine behind it (absent: nothing to sign in, e.g. bearer). */
export interface ServerAuth {
  provider: AuthProvider;
  session?: SessionAuth;
}

/** `warden status`'s view of one server's sign-in. */
export interface SignInReport {
  signedIn: boolean;
  /** One line: who, until when, or what to do. */
  detail: string;
  /** Entra's details for the one-server report. */
  entra?: {
    authority: string;
    clientId: string;
    cachePath: string;
    account?: AccountSummary;
    scopes: string[];
    expiresOn?: Date;
    canRefresh: boolean;
  };
  /** The gate refused these settings (nothing may be fetched from the provider then). */
  approvalNeeded?: ApprovalReason;
}

export interface LoginOptions {
  /** Sign in again even when a usable token is cached. */
  force: boolean;
  onPrompt: (prompt: DeviceCodePrompt) => void;
  /** One line for the user that is not the outcome (a cached sign-in that could not be renewed). */
  onNotice: (line: string) => void;
  signal?: AbortSignal;
}

export type LoginOutcome = { outcome: 'nothing'; why: string } | { outcome: 'already'; token: AccessToken } | { outcome: 'signed-in'; token: AccessToken };

export type LogoutOutcome =
  | { outcome: 'nothing'; why: string }
  | { outcome: 'none-signed-in' }
  | {
      outcome: 'signed-out';
      account: AccountSummary;
      remaining?: AccountSummary;
      /** Nothing was left signed in, but some of the token files or the data key could not be removed (one line each). */
      notCleared?: string[];
    }
  /** The settings do not say whose sign-in: everyone in the token cache `cache` was signed out. */
  | { outcome: 'signed-out-all'; accounts: AccountSummary[]; cache: string; notCleared?: string[] };

export interface ServerSignIn {
  readonly settings: SignInSettings;
  /** For the transport: the AuthProvider and its state (reported through `onState`); undefined sends no Authorization header. */
  connect(onState: (state: AuthState) => void): ServerAuth | undefined;
  /** `warden status`: from what is stored; a kind may read the server's metadata (bounded by `signal`). */
  describe(options: { now: number; signal?: AbortSignal }): Promise<SignInReport>;
  /** `warden login [NAME]`; throws ServerApprovalNeededError (one line) when the gate refuses. */
  login(options: LoginOptions): Promise<LoginOutcome>;
  /** `warden logout [NAME]`: sends nothing anywhere, so never waits for an approval. */
  logout(options: { signal?: AbortSignal }): Promise<LogoutOutcome>;
}

/** A kind's module: its ServerSignIn for one server. */
export type SignInKind = (settings: SignInSettings, context: SignInContext) => ServerSignIn;
