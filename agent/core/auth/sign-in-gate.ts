import { approvalsPath, ServerApprovals } from '../../../auth/login/server-approvals.js';
import { decideSignIn, type ApprovalReason, type PolicyDecision } from '../../../auth/login/sign-in-policy.js';
import type { Env } from '../../../config/load.js';
import type { DiscoveredAuth } from './discovery.js';
import { signInRequest } from './login-factory.js';

/**
 * Applies the sign-in policy (auth/login/sign-in-policy.ts) to one agent run: which server,
 * which settings were configured, the approvals file, and whether this run approves what it
 * meets (--approve-server). Used by the chat, `-p`, login, logout and status alike.
 * Not responsible for asking the user (the TUI does, through the engine) nor for tokens.
 */

/** What SessionAuth and the commands ask before a token is obtained or sent. */
export interface SignInGate {
  /** The decision for the settings in use (`discovered` undefined: configured settings only). */
  check(discovered: DiscoveredAuth | undefined): Promise<PolicyDecision>;
  /** Records the user's approval of `reason` (this server for the scope, or the host). */
  approve(reason: ApprovalReason): Promise<void>;
  /** Records that this server holds the scope now (configured, or first use); once per run. */
  bind(discovered: DiscoveredAuth | undefined): Promise<void>;
}

export interface SignInGateOptions {
  env: Env;
  serverUrl: string;
  /** --approve-server: approve (and record) whatever this run's server asks for. */
  approveRun?: boolean;
  /** The approvals file; built on first need (default: beside WARDEN_TOKEN_CACHE). */
  approvals?: ServerApprovals;
}

/** Each refusal a run can meet (an untrusted host, then a bound scope) is approved at most once. */
const MAX_APPROVALS = 2;

export function createSignInGate(options: SignInGateOptions): SignInGate {
  let store: ServerApprovals | undefined = options.approvals;
  let bound = false;
  const approvals = async (): Promise<ServerApprovals> => {
    if (store) return store;
    // Loaded on first need: auth/login/config.ts brings zod, which the chat's first frame must not wait for.
    const { defaultCachePath, expandPath } = await import('../../../auth/login/config.js');
    const cache = options.env.WARDEN_TOKEN_CACHE?.trim();
    store = new ServerApprovals(approvalsPath(cache ? expandPath(cache) : defaultCachePath()));
    return store;
  };
  const approve = async (reason: ApprovalReason): Promise<void> => {
    const file = await approvals();
    if (reason.kind === 'untrusted-authority') await file.approveAuthorityHost(reason.host);
    else await file.approveServer(reason.scope, reason.server);
  };

  return {
    async check(discovered) {
      const request = signInRequest(options.env, options.serverUrl, discovered);
      // No scope known: no token can be asked for, so there is nothing to decide yet.
      if (!request) return { allowed: true, bind: false };
      for (let round = 0; ; round++) {
        const decision = decideSignIn(request, await (await approvals()).read());
        if (decision.allowed || !options.approveRun || round >= MAX_APPROVALS) return decision;
        await approve(decision.reason);
      }
    },
    approve,
    async bind(discovered) {
      if (bound) return;
      const request = signInRequest(options.env, options.serverUrl, discovered);
      if (!request) return;
      const decision = decideSignIn(request, await (await approvals()).read());
      if (decision.allowed && decision.bind) await (await approvals()).approveServer(request.scope, request.server);
      bound = true;
    },
  };
}
