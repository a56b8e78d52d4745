import type { Authenticator, LoginConfig, WardenAuthenticator } from '../../auth/login/index.js';
import { ConfigError } from '../../config/errors.js';
import { describeApprovalReason, type ApprovalReason } from '../../auth/login/sign-in-policy.js';
import { loadAgentConfig } from '../config.js';
import { createSignInService } from '../core/auth/sign-in-service.js';
import { ServerApprovalNeededError } from '../core/mcp/errors.js';
import type { CommandContext } from './context.js';
import { configuredServer, entraEnv, serverSignInService } from './server-sign-in.js';

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

/** A configured server's sign-in for login/logout, or why it has none to manage. */
export type NamedServerAuth = { auth: Authenticator; bind(): Promise<void> } | { nothing: string };

/**
 * `warden login NAME` / `logout NAME`: the sign-in of the configured server called NAME, by its
 * `auth` kind — `entra` through the same settings and policy as the one-server commands (with the
 * server's own settings), `oauth` and `client-credentials` through its sign-in service.
 */
export async function namedServerAuth(ctx: CommandContext, name: string, options: Omit<CommandAuthOptions, 'serverUrl'> & { mcpConfig?: string[] } = {}): Promise<NamedServerAuth> {
  const server = await configuredServer(ctx.env, name, options.mcpConfig ? { mcpConfig: options.mcpConfig } : {});
  const auth = server.auth ?? { kind: 'entra' as const };
  if (auth.kind === 'none') return { nothing: `${name} needs no sign-in (auth kind none)` };
  if (auth.kind === 'bearer') return { nothing: `${name} sends the token in ${auth.tokenEnv} (auth kind bearer): nothing to sign in` };
  if (server.type === 'stdio') throw new ConfigError(`${name} runs as a program (stdio): Warden signs in to HTTP servers only`);
  if (auth.kind === 'entra') {
    const { auth: authenticator, bind } = await commandAuthenticator({ ...ctx, env: entraEnv(ctx.env, server) }, { ...options, serverUrl: server.url });
    return { auth: authenticator, bind };
  }
  const service = serverSignInService(server, { env: ctx.env, approveRun: options.approve === true, onWarning: (line) => ctx.stderr.write(`warden: warning: ${line}\n`) });
  const authenticator = await service.createAuthenticator();
  // An oauth token is bound to its server by its RFC 8707 resource; an app token by the Entra policy.
  if (auth.kind === 'oauth') return { auth: authenticator, bind: async () => undefined };
  const decision = await service.gate.check(undefined);
  if (!decision.allowed && options.enforce !== false) throw new ServerApprovalNeededError(decision.reason, describeApprovalReason(decision.reason, APPROVE_FLAG_HINT));
  return { auth: authenticator, bind: () => service.gate.bind(undefined) };
}
