import { describeAccount } from '../../auth/login/format.js';
import { commandAuthenticator } from './login-config.js';
import { parseFlags } from '../../config/flags.js';
import { safeLine } from '../../config/terminal-text.js';
import type { Command } from './context.js';

const USAGE = `Usage: warden logout

Removes the signed-in account and its tokens from the token cache (WARDEN_TOKEN_CACHE).
Nothing is sent to the identity provider.`;

export const logout: Command = async (args, ctx) => {
  const { values } = parseFlags(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Signing out sends nothing to a server or an identity provider, so a server awaiting approval does not block it.
  const { auth } = await commandAuthenticator(ctx, { enforce: false });
  try {
    const removed = await auth.signOut();
    if (!removed) {
      ctx.stdout.write('No account was signed in\n');
      return 0;
    }
    // Account names come from the identity provider (through the cache): one terminal-safe line.
    ctx.stdout.write(`Signed out ${safeLine(describeAccount(removed))}\n`);
    const remaining = await auth.currentAccount();
    if (remaining) ctx.stderr.write(`warden: ${safeLine(describeAccount(remaining))} is still signed in (run \`warden logout\` again to remove it)\n`);
    return 0;
  } catch (error) {
    ctx.stderr.write(`warden: ${safeLine(error instanceof Error ? error.message : String(error), 400)}\n`);
    return 1;
  }
};
