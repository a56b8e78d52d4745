import { describeAccount } from '../../auth/login/format.js';
import { errorMessage } from '../../config/error-text.js';
import { ConfigError, UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { safeLine } from '../../config/terminal-text.js';
import type { Command } from './context.js';
import { commandSignIn } from './sign-ins.js';

const USAGE = `Usage: warden logout [NAME] [--mcp-config FILE]…

Removes the signed-in account and its tokens from the token cache (WARDEN_TOKEN_CACHE).
With NAME: the sign-in of that configured server (an oauth server's tokens in
oauth_tokens.json beside the cache). Once nobody is signed in any more, the token files
and their key in the OS secret store (WARDEN_TOKEN_STORE) are removed too. Nothing is sent to
the identity provider, and no sign-in setting is needed: where ENTRA_CLIENT_ID and the others
are not set, every sign-in in the token cache is signed out.`;

export const logout: Command = async (args, ctx) => {
  const { values, positionals } = parseFlags(args, { 'mcp-config': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, true, 'warden logout');
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, extra] = positionals;
  if (extra !== undefined) throw new UsageError(`takes one server name, got "${extra}" too`, 'warden logout');
  if (name === undefined && values['mcp-config']) throw new UsageError('--mcp-config goes with a server NAME', 'warden logout');
  // Signing out sends nothing to a server or an identity provider, so a server awaiting approval does not block it.
  const signIn = await commandSignIn(ctx, name, values['mcp-config'] ? { mcpConfig: values['mcp-config'] } : {});
  try {
    const outcome = await signIn.logout({ signal: ctx.shutdownSignal });
    switch (outcome.outcome) {
      case 'nothing':
        ctx.stdout.write(`${safeLine(outcome.why, 400)}\n`);
        return 0;
      case 'none-signed-in':
        ctx.stdout.write('No account was signed in\n');
        return 0;
      case 'signed-out':
        // Account names come from the identity provider (through the cache): one terminal-safe line.
        ctx.stdout.write(`Signed out ${safeLine(describeAccount(outcome.account))}\n`);
        for (const problem of outcome.notCleared ?? []) ctx.stderr.write(`warden: warning: could not remove ${safeLine(problem, 400)}\n`);
        if (outcome.remaining) ctx.stderr.write(`warden: ${safeLine(describeAccount(outcome.remaining))} is still signed in (run \`warden logout\` again to remove it)\n`);
        return 0;
      case 'signed-out-all':
        // Without the settings that say whose sign-in, everyone in the token cache was signed out.
        ctx.stdout.write(`Signed out ${outcome.accounts.map((a) => safeLine(describeAccount(a))).join(', ')} (every sign-in in ${safeLine(outcome.cache, 300)})\n`);
        for (const problem of outcome.notCleared ?? []) ctx.stderr.write(`warden: warning: could not remove ${safeLine(problem, 400)}\n`);
        return 0;
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    ctx.stderr.write(`warden: ${safeLine(errorMessage(error), 400)}\n`);
    return 1;
  }
};
