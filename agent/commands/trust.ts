import { parseFlags } from '../../config/flags.js';
import { UsageError } from '../../config/errors.js';
import { loadServerConfigs } from '../core/host/load-servers.js';
import type { Command } from './context.js';
import { askToApprove, rememberApproval, settleProjectEnv } from './project-approval.js';

const USAGE = `Usage: warden trust

Shows this directory's .env and .mcp.json as written — the settings .env would choose for you, the
programs .mcp.json would start, the values of yours it would send, the sign-ins, trust and allow
rules — and asks whether to approve each. An approval holds until the file changes (its SHA-256 is
kept in ~/.config/warden/trusted-mcp-files.json). Until then Warden leaves them out: the chat asks
the same before it starts, and warden -p --trust-project uses them for one run without asking.`;

/** `warden trust`: review and approve the project files of this directory, outside the chat. */
export const trust: Command = async (args, given) => {
  const { values, positionals } = parseFlags(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    given.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('warden trust takes no arguments: it reviews the .env and .mcp.json of this directory');
  const { home } = given;
  const pendingEnv = given.pendingProjectEnv !== undefined;
  // The .env first: the server file's ${VAR}s may read it.
  const ctx = await settleProjectEnv(given, { print: false, trustProject: false, home, askWithoutTerminal: true });
  const loaded = await loadServerConfigs({ env: ctx.env, home, cwd: ctx.cwd });
  for (const file of loaded.untrusted) {
    if (await askToApprove(file, ctx)) await rememberApproval(file, home);
  }
  if (!pendingEnv && loaded.untrusted.length === 0) ctx.stdout.write('Nothing in this directory waits for your approval.\n');
  return 0;
};
