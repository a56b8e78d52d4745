import { text as readAll } from 'node:stream/consumers';
import { UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { loadAgentConfig } from '../config.js';
import { SECOND_SERVER } from '../core/host/load-servers.js';
import type { Command } from './context.js';

const USAGE = `Usage: warden [--no-auth] [--server URL] [--model ID] [--approve-server]
       warden -p "prompt" [--output text|json] [--quiet] [--no-auth] [--server URL] [--model ID] [--approve-server]

Without -p: the chat TUI. With -p: one turn without the TUI; the answer goes to stdout,
tool progress to stderr; the prompt may also come on stdin (echo "…" | warden -p).

  -p, --print            run one turn and exit (0 ok, 1 failed, 2 bad usage, 130 cancelled)
  --output text|json     with -p: the answer as text (default) or one JSON object
  -q, --quiet            with -p: no progress lines on stderr
  --no-auth              send no token (the server runs with --no-auth)
  --server URL           the MCP endpoint (MCP_SERVER_URL, default http://127.0.0.1:8000/mcp)
  --model ID             the Claude model (ANTHROPIC_MODEL); without ANTHROPIC_API_KEY the demo model answers
  --approve-server       approve this server for the API scope it asks for, and the identity provider it
                         names, when they are not approved yet (recorded in server-approvals.json beside the
                         token cache); without it -p refuses with one line (exit 1) and the chat asks`;

/** `warden` (chat TUI) and `warden -p "prompt"` (print mode). */
export const chat: Command = async (args, ctx) => {
  const { values, positionals } = parseFlags(
    args,
    {
      print: { type: 'boolean', short: 'p' },
      output: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      'no-auth': { type: 'boolean' },
      // Collected so a second --server is an error instead of silently replacing the first.
      server: { type: 'string', multiple: true },
      model: { type: 'string' },
      'approve-server': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`invalid --output "${output}": expected text or json`);
  if (!values.print) {
    if (positionals.length > 0) throw new UsageError(`unknown command "${positionals[0]}" (for one prompt: warden -p "…")`);
    if (values.output !== undefined || values.quiet) throw new UsageError('--output and --quiet go with -p');
  }

  if ((values.server?.length ?? 0) > 1) throw new UsageError(SECOND_SERVER);
  const config = loadAgentConfig(ctx.env, {
    ...(values.server?.[0] !== undefined && { server: values.server[0] }),
    ...(values.model !== undefined && { model: values.model }),
    noAuth: values['no-auth'] === true,
  });
  let prompt = '';
  if (values.print) {
    prompt = positionals.join(' ').trim();
    if (prompt === '' && !ctx.stdin.isTTY) prompt = (await readAll(ctx.stdin)).trim();
    if (prompt === '') throw new UsageError('-p needs a prompt: warden -p "reverse hello world"');
  }

  // Loaded after the flags and config are known good, so a usage error answers at once; print
  // mode never loads Ink and React, the TUI never loads print mode, and each loads in parallel.
  const [{ createAgentEngine }, { loginAuthenticatorFactory }, { createSignInGate }, front] = await Promise.all([
    import('../core/engine.js'),
    import('../core/auth/login-factory.js'),
    import('../core/auth/sign-in-gate.js'),
    values.print ? import('./print-mode.js') : import('../ui/run.js'),
  ]);
  const engine = createAgentEngine(config, {
    createAuthenticator: loginAuthenticatorFactory(ctx.env, { onWarning: (line) => ctx.stderr.write(`warden: ${line}\n`) }),
    gate: createSignInGate({ env: ctx.env, serverUrl: config.serverUrl, approveRun: values['approve-server'] === true }),
    approvalHint: 'runPrint' in front ? front.APPROVE_HINT : 'answer y to approve',
  });
  try {
    if ('runPrint' in front) return await front.runPrint(engine, prompt, { output, quiet: values.quiet === true }, ctx);
    return await front.runTui(engine, ctx);
  } finally {
    await engine.close();
  }
};
