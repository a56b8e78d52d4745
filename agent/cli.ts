#!/usr/bin/env node
import { once } from 'node:events';
import { homedir } from 'node:os';
import { errorMessage } from '../config/error-text.js';
import { ConfigError, UsageError } from '../config/errors.js';
import { loadEnv } from '../config/load.js';
import { withTelemetry } from '../config/telemetry.js';
import { safeLine } from '../config/terminal-text.js';
import type { Command, CommandContext } from './commands/context.js';
import type { Subcommand } from './commands/names.js';
import { loadAgentEnv, projectEnvNotice } from './core/host/agent-env.js';

const USAGE = `warden — a terminal agent for authenticated MCP tools

Usage:
  warden                      chat TUI against MCP_SERVER_URL
  warden -p "prompt"          one turn without the TUI (answer on stdout)
  warden [-p …] --yes         ALLOW EVERY TOOL CALL without asking, for this run (see warden -p --help
                              for --allowed-tools / --disallowed-tools patterns)
  warden demo                 offline demo: dev identity provider + MCP server + TUI (npm start)
  warden login | logout | status
  warden mcp add|list|get|remove   your MCP servers (~/.config/warden/mcp.json, ./.mcp.json)
  warden trust                review and approve this directory's .env and .mcp.json
  warden serve [--port 8000] [--host 127.0.0.1] [--no-auth]
  warden dev-idp [--port 0]

Run \`warden <command> --help\` for a command's flags (\`warden mcp add --help\`; the chat's and -p's: \`warden -p --help\`);
\`warden --version\` prints the version.`;

/** After a shutdown signal the chat ends within this long, even if a server or library holds its cleanup up. */
const SHUTDOWN_GRACE_MS = 3000;
/** Exit code when the grace period ran out (128 + SIGTERM). */
const KILLED = 143;
/** An error line may quote a config file or a server: one terminal-safe line. */
const ERROR_CHARS = 1000;

/** Commands an operator configures with the `./.env` where they run it; every other command is the agent's. */
const SERVER_COMMANDS = new Set(['serve', 'dev-idp']);

/** Subcommands load lazily so `warden -p` never pays for the server or the identity provider. */
const commands: Record<Subcommand, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).serve,
  'dev-idp': async () => (await import('./commands/dev-idp.js')).devIdp,
  login: async () => (await import('./commands/login.js')).login,
  logout: async () => (await import('./commands/logout.js')).logout,
  status: async () => (await import('./commands/status.js')).status,
  demo: async () => (await import('./commands/demo.js')).demo,
  mcp: async () => (await import('./commands/mcp.js')).mcp,
  trust: async () => (await import('./commands/trust.js')).trust,
};

async function main(argv: string[]): Promise<number> {
  // React's development build keeps a performance entry per render (unbounded memory, ~25 % more CPU).
  process.env.NODE_ENV ??= 'production';
  const controller = new AbortController();
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    const { WARDEN_VERSION } = await import('../config/version.js');
    process.stdout.write(`warden ${WARDEN_VERSION}\n`);
    return 0;
  }
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, shutdownSignal: controller.signal, cwd: process.cwd(), home: homedir() };
  let ctx: CommandContext;
  if (first !== undefined && SERVER_COMMANDS.has(first)) ctx = { ...io, env: loadEnv() };
  else {
    // The agent: your environment and ~/.config/warden/.env; a project's .env only once you approved it.
    const agentEnv = await loadAgentEnv({ processEnv: process.env, home: io.home, cwd: io.cwd });
    ctx = { ...io, env: agentEnv.env, ...(agentEnv.unapproved && { pendingProjectEnv: { file: agentEnv.unapproved, env: agentEnv.withProject } }) };
  }
  const load = first !== undefined && Object.hasOwn(commands, first) ? commands[first as Subcommand] : undefined;
  // A shutdown signal asks the command to stop cleanly (a server drains, the TUI unmounts and gives
  // the terminal back, print mode cancels its turn).
  // The signal's name is the abort reason: `serve` drains on SIGTERM and stops at once on SIGINT.
  const onSignal = (signal?: NodeJS.Signals): void => controller.abort(signal);
  // The chat has nothing worth waiting long for: if its cleanup hangs, it ends anyway.
  const onChatSignal = (): void => {
    onSignal();
    setTimeout(() => {
      // Node resets the terminal's mode on exit; the cursor Ink hid is ours to show again.
      if (process.stdout.isTTY) process.stdout.write('\u001B[?25h');
      process.exit(KILLED);
    }, SHUTDOWN_GRACE_MS).unref();
  };
  try {
    if (load) {
      // The demo runs the chat: its listeners stay (see below), so the TUI gives the terminal back.
      if (first === 'demo') process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', onSignal);
      else process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      const command = await load();
      // `serve` starts its own tracing (service warden-server, errors in its JSON log); the dev IdP has none.
      if (SERVER_COMMANDS.has(first ?? '')) return await command(rest, ctx);
      // The chat and `warden trust` ask about a project's .env; every other command says it went on without it.
      if (ctx.pendingProjectEnv && first !== 'trust') ctx.stderr.write(`warden: ${safeLine(projectEnvNotice(ctx.pendingProjectEnv.file), ERROR_CHARS)}\n`);
      return await withTelemetry('warden', ctx.stderr, () => command(rest, ctx));
    }
    // Print mode has no TUI to catch Ctrl-C: the signal cancels its turn (exit 130). The TUI reads
    // Ctrl-C as a key (raw mode), but SIGTERM and SIGHUP (terminal closed) must still end it. `on`,
    // not `once`: while a listener of ours remains, Ink's signal-exit does not re-raise the signal
    // and kill the process before the terminal is restored.
    const print = argv.some((a) => a === '--print' || /^-[A-Za-z]*p[A-Za-z]*$/.test(a));
    for (const signal of print ? (['SIGINT', 'SIGTERM'] as const) : (['SIGTERM', 'SIGHUP'] as const)) process.on(signal, onChatSignal);
    const { chat } = await import('./commands/chat.js');
    return await withTelemetry('warden', ctx.stderr, () => chat(argv, ctx));
  } catch (error) {
    if (error instanceof ConfigError) {
      ctx.stderr.write(`warden: ${safeLine(error.message, ERROR_CHARS)}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      // One line naming what was wrong, and the help of the (sub)command it was given to.
      ctx.stderr.write(`${error.command}: ${safeLine(error.message, ERROR_CHARS)} (see ${error.command} --help)\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * A finished command exits even when a library left a timer or socket behind (MSAL's device-code
 * poll after Ctrl-C, keep-alive connections): output is flushed first.
 */
async function exitWhenFlushed(code: number): Promise<void> {
  process.exitCode = code;
  await Promise.all([process.stdout, process.stderr].map((s) => (s.writableNeedDrain ? once(s, 'drain') : undefined)));
  process.exit(code);
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    process.stderr.write(`warden: ${safeLine(errorMessage(error), ERROR_CHARS)}\n`);
    return exitWhenFlushed(1);
  },
);
