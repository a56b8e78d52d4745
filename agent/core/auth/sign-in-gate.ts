import { approvalsPath, ServerApprovals } from '../../../auth/login/server-approvals.js';
import { decideSignIn, type ApprovalReason, type PolicyDecision, type SignInRequest } from '../../../auth/login/sign-in-policy.js';
import { isUsersOwn, tokenCacheOf, type SignInSettings } from './settings.js';

/**
 * Applies the Entra sign-in policy (auth/login/sign-in-policy.ts) to one server's settings: which
 * server the token would go to, which scope and identity provider, and whether each was configured
 * or learned from the server; the approvals file beside the token cache; and whether this run
 * approves what it meets (--approve-server). The same for the chat, `-p`, login, logout and status.
 * Not responsible for asking the user (the TUI does, through the engine) nor for tokens.
 */

/** What SessionAuth and the commands ask before a token is obtained or sent. */
export interface SignInGate {
  /** The decision for these settings. */
  check(): Promise<PolicyDecision>;
  /** Records the user's approval of `reason` (this server for the scope, or the host). */
  approve(reason: ApprovalReason): Promise<void>;
  /** Records that this server holds the scope now (configured, or first use); once per run. */
  bind(): Promise<void>;
}

export interface SignInGateOptions {
  settings: SignInSettings;
  /** --approve-server: approve (and record) whatever this run's server asks for. */
  approveRun?: boolean;
}

/**
 * The policy's view of the settings; undefined while no scope is known (no token can be asked for).
 * Only the user's own settings count as configured. A project file's scope or identity provider,
 * even once the file is approved, is judged as a server's metadata is, and so is any scope a
 * project file's server would get (the user's ENTRA_API_SCOPE included): the file chose the server
 * it goes to. So it binds on first use, is refused where another server holds that API, and the
 * identity provider must be Microsoft's, ENTRA_AUTHORITY_HOST or approved — each asked in the chat,
 * --approve-server for -p.
 */
export function signInRequest(settings: SignInSettings): SignInRequest | undefined {
  const { scope, authorityHost } = settings;
  if (!scope || !authorityHost) return undefined;
  const projectServer = settings.server.from.from === 'project-file';
  return {
    server: settings.server.url,
    scope: scope.value,
    scopeFrom: isUsersOwn(scope) && !projectServer ? 'configured' : 'discovered',
    authorityHost: authorityHost.value,
    // Warden's default host (Microsoft's public cloud) is the user's choice by omission.
    authorityFrom: authorityHost.from.from === 'default' || isUsersOwn(authorityHost) ? 'configured' : 'discovered',
  };
}

/** An untrusted host, then a scope bound elsewhere: each refusal a run can meet is approved at most once. */
export const MAX_APPROVALS = 2;

export function createSignInGate({ settings, approveRun = false }: SignInGateOptions): SignInGate {
  const store = new ServerApprovals(approvalsPath(tokenCacheOf(settings)));
  const request = signInRequest(settings);
  let bound = false;
  const approve = async (reason: ApprovalReason): Promise<void> => {
    if (reason.kind === 'untrusted-authority') await store.approveAuthorityHost(reason.host);
    else await store.approveServer(reason.scope, reason.server);
  };
  return {
    async check() {
      if (!request) return { allowed: true, bind: false };
      for (let round = 0; ; round++) {
        const decision = decideSignIn(request, await store.read());
        if (decision.allowed || !approveRun || round >= MAX_APPROVALS) return decision;
        await approve(decision.reason);
      }
    },
    approve,
    async bind() {
      if (bound || !request) return;
      const decision = decideSignIn(request, await store.read());
      if (decision.allowed && decision.bind) await store.approveServer(request.scope, request.server);
      bound = true;
    },
  };
}
