import type { LoginConfig, WardenAuthenticator } from '../../auth/login/index.js';
import { describeApprovalReason, type ApprovalReason } from '../../auth/login/sign-in-policy.js';
import { loadAgentConfig } from '../config.js';
import { createSignInService } from '../core/auth/sign-in-service.js';
import { ServerApprovalNeededError } from '../core/mcp/errors.js';
import type { CommandContext } from './context.js';

/** How login and logout users approve a server the sign-in policy refused. */
export const APPROVE_FLAG_HINT = 'run again with --approve-server to approve';

export interface CommandAuth {
  config: LoginConfig;
  auth: WardenAuthenticator;
  /** With `enforce: false`: what the sign-in policy refused (nothing may be fetched from the provider then). */
  refusal?: ApprovalReason;
  /** Records that the server now holds the scope (after a sign-in it was allowed). */
  bind(): Promise<void>;
}

export interface CommandAuthOptions {
  /** The MCP server whose sign-in this is (default MCP_SERVER_URL). */
  serverUrl?: string;
  /** --approve-server: approve and record what the server asks for. */
  approve?: boolean;
  /** false: report a refusal instead of throwing it (status). Default true. */
  enforce?: boolean;
}

/**
 * The sign-in settings and the Authenticator a login/logout/status command works with (discovered
 * from the server when needed), after the sign-in policy allowed them: a refusal is thrown as
 * ServerApprovalNeededError (one line, exit 1) before anything is sent to the identity provider.
 */
export async function commandAuthenticator(ctx: CommandContext, options: CommandAuthOptions = {}): Promise<CommandAuth> {
  const serverUrl = options.serverUrl ?? loadAgentConfig(ctx.env).serverUrl;
  const service = createSignInService({
    env: ctx.env,
    serverUrl,
    approveRun: options.approve === true,
    deps: { onWarning: (line) => ctx.stderr.write(`warden: warning: ${line}\n`) },
  });
  const { config, discovered, authenticator } = await service.resolve(ctx.shutdownSignal);
  const decision = await service.gate.check(discovered);
  if (!decision.allowed && options.enforce !== false) {
    throw new ServerApprovalNeededError(decision.reason, describeApprovalReason(decision.reason, APPROVE_FLAG_HINT));
  }
  return { config, auth: authenticator, ...(!decision.allowed && { refusal: decision.reason }), bind: () => service.gate.bind(discovered) };
}
