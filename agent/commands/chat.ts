import { text as readAll } from 'node:stream/consumers';
import { didYouMean } from '../../config/did-you-mean.js';
import { UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { safeLine } from '../../config/terminal-text.js';
import { loadAgentConfig } from '../config.js';
import { loadServerConfigs, untrustedNotice } from '../core/host/load-servers.js';
import { Notices } from '../core/notices.js';
import { auditLogFile, conversationDir, serverLogDir, userServerFile } from '../core/host/paths.js';
import type { Command } from './context.js';
import { SUBCOMMANDS } from './names.js';
import { permissionDeps, toolPatterns } from './permission-setup.js';
import { resumeChoice, takeResumeFlag } from './resume-flags.js';
import { commandSignIns } from './sign-ins.js';

const USAGE = `Usage: warden [-c | -r [ID]] [--mcp-config FILE]… [--strict-mcp-config] [--no-auth] [--server URL] [--model ID]
                 [--max-turns N] [--approve-server] [--allowed-tools PATTERNS] [--disallowed-tools PATTERNS] [--yes]
       warden -p "prompt" [-c | -r ID] [--output text|json|stream-json] [--quiet | --verbose] [--mcp-config FILE]…
                 [--strict-mcp-config] [--trust-project] [--no-auth] [--server URL] [--model ID] [--max-turns N]
                 [--approve-server] [--allowed-tools PATTERNS] [--disallowed-tools PATTERNS] [--yes] [--elicit-json FILE]
                 [--allow-sampling]

Without -p: the chat TUI. With -p: one turn without the TUI; the answer goes to stdout,
tool progress to stderr; the prompt may also come on stdin (echo "…" | warden -p).

  -p, --print            run one turn and exit (0 ok, 1 failed, 2 bad usage, 130 cancelled)
  -c, --continue         go on with the latest conversation of this directory
  -r, --resume [ID]      go on with a saved conversation; without ID the chat lets you pick one
                         (conversations are saved in ~/.config/warden/conversations)
  --output text|json|stream-json  with -p: the answer as text (default), one JSON object (with
                         conversationId, usage and cost), or one JSON event a line as the turn goes
                         (--output-format, Claude Code's spelling, is the same flag)
  -q, --quiet            with -p: no progress lines on stderr
  --no-auth              send no token (the server runs with --no-auth)
  --mcp-config FILE      MCP servers from this file (mcpServers JSON, repeatable), besides
                         ~/.config/warden/mcp.json and ./.mcp.json; -p fails when one of them is unavailable
  --strict-mcp-config    only the servers of --mcp-config (and --server): none from the files or MCP_SERVER_URL
  --trust-project        with -p: use this directory's .mcp.json and .env as if you had approved them, for
                         this run (programs, sign-ins, \${VAR}s, trust, permissions.allow, the variables
                         .env sets; the chat asks instead; --trust-project-servers is the older name)
  --elicit-json FILE     with -p: answers (a JSON object, field → value) for questions servers ask
                         mid-call; without it -p declines them with a line on stderr
  --allow-sampling       with -p: let servers use the model (sampling); without it -p refuses
  --server URL           one MCP endpoint (MCP_SERVER_URL; the default http://127.0.0.1:8000/mcp
                         only when no server is configured)
  --model ID             the Claude model (ANTHROPIC_MODEL); without ANTHROPIC_API_KEY the demo model answers
  --max-turns N          model rounds in one turn before it stops (WARDEN_MAX_TURNS, default 10)
  --verbose              accepted for Claude Code's scripts (-p's progress lines are on stderr unless --quiet)
  --approve-server       approve this server for the API scope it asks for, and the identity provider it
                         names, when they are not approved yet (recorded in server-approvals.json beside the
                         token cache); without it -p refuses with one line (exit 1) and the chat asks
  --allowed-tools PATTERNS     tools that run without asking, e.g. "files__read_*,weather__*"
                               (SERVER__TOOL names, * for any characters; repeatable)
  --disallowed-tools PATTERNS  tools that never run; a deny always wins over any allow
                               (--allowedTools / --disallowedTools are the same flags; Claude Code's
                               tool names mcp__SERVER__TOOL are read as SERVER__TOOL)
  --yes                  ALLOW EVERY TOOL CALL for this run without asking (except those denied by
                         --disallowed-tools or permissions.deny); without it the chat asks before a tool
                         its settings do not allow, and -p denies it and says which flag would allow it
                         (Claude Code's --dangerously-skip-permissions and --permission-mode bypassPermissions
                         are the same; --permission-mode default is the default)

warden --version (-v) prints the version; warden --help lists the other commands.`;

/** `warden` (chat TUI) and `warden -p "prompt"` (print mode). */
export const chat: Command = async (argv, given) => {
  const resumeFlag = takeResumeFlag(argv);
  const args = resumeFlag.rest;
  // Which help a bad flag points to: the chat's and -p's flags are both in `warden -p --help`.
  const command = args.some((a) => a === '--print' || /^-[A-Za-z]*p[A-Za-z]*$/.test(a)) ? 'warden -p' : 'warden';
  const { values, positionals } = parseFlags(
    args,
    {
      print: { type: 'boolean', short: 'p' },
      continue: { type: 'boolean', short: 'c' },
      output: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      'no-auth': { type: 'boolean' },
      // Collected so a second --server is an error instead of silently replacing the first.
      server: { type: 'string', multiple: true },
      'mcp-config': { type: 'string', multiple: true },
      'strict-mcp-config': { type: 'boolean' },
      'trust-project': { type: 'boolean' },
      'trust-project-servers': { type: 'boolean' },
      model: { type: 'string' },
      'approve-server': { type: 'boolean' },
      'elicit-json': { type: 'string' },
      'allow-sampling': { type: 'boolean' },
      'allowed-tools': { type: 'string', multiple: true },
      'disallowed-tools': { type: 'string', multiple: true },
      // The spellings of Claude Code's print mode, which scripts already use.
      'output-format': { type: 'string' },
      allowedTools: { type: 'string', multiple: true },
      disallowedTools: { type: 'string', multiple: true },
      'max-turns': { type: 'string' },
      // Claude Code wants it with -p --output-format stream-json; -p's progress is on stderr anyway.
      verbose: { type: 'boolean' },
      yes: { type: 'boolean' },
      // Claude Code's spellings of --yes.
      'dangerously-skip-permissions': { type: 'boolean' },
      'permission-mode': { type: 'string' },
    },
    true,
    command,
  );
  if (values.help) {
    given.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.output !== undefined && values['output-format'] !== undefined && values.output !== values['output-format']) {
    throw new UsageError('--output and --output-format are the same flag: give one', command);
  }
  const output = values.output ?? values['output-format'] ?? 'text';
  if (output !== 'text' && output !== 'json' && output !== 'stream-json') {
    throw new UsageError(`invalid --output "${safeLine(output, 20)}": expected text, json or stream-json`, command);
  }
  if (!values.print) {
    if (positionals.length > 0) {
      const word = positionals[0] ?? '';
      const meant = didYouMean(word, SUBCOMMANDS);
      throw new UsageError(`unknown command "${safeLine(word, 40)}"${meant || ' (for one prompt: warden -p "…")'}`, command);
    }
    if (values.output !== undefined || values['output-format'] !== undefined || values.quiet) throw new UsageError('--output and --quiet go with -p', command);
  }
  if (values.verbose && values.quiet) throw new UsageError('--verbose and --quiet contradict each other: give one', command);
  const mode = values['permission-mode'];
  if (mode !== undefined && mode !== 'default' && mode !== 'bypassPermissions') {
    throw new UsageError(`unsupported --permission-mode "${safeLine(mode, 40)}": Warden takes default (ask, or deny with -p) or bypassPermissions (--yes)`, command);
  }
  const yes = values.yes === true || values['dangerously-skip-permissions'] === true || mode === 'bypassPermissions';

  const resume = resumeChoice(values.continue, resumeFlag);
  if (values.print && resume && 'pick' in resume) throw new UsageError('-p --resume needs the conversation ID (the chat lists them: warden --resume)', command);
  const trustProject = values['trust-project'] === true || values['trust-project-servers'] === true;
  if (!values.print && trustProject) throw new UsageError('--trust-project goes with -p (the chat asks)', command);
  if (!values.print && (values['elicit-json'] !== undefined || values['allow-sampling']))
    throw new UsageError('--elicit-json and --allow-sampling go with -p (the chat asks)', command);
  const allowedTools = toolPatterns([...(values['allowed-tools'] ?? []), ...(values.allowedTools ?? [])], '--allowed-tools');
  const disallowedTools = toolPatterns([...(values['disallowed-tools'] ?? []), ...(values.disallowedTools ?? [])], '--disallowed-tools');
  const { home } = given;
  // A project .env first: the servers' files may read its variables.
  const ctx = given.pendingProjectEnv ? await (await import('./project-approval.js')).settleProjectEnv(given, { print: values.print === true, trustProject, home }) : given;
  const serverFlags = {
    ...(values.server && { server: values.server }),
    ...(values['mcp-config'] && { mcpConfig: values['mcp-config'] }),
    ...(values['strict-mcp-config'] && { strict: true }),
    trustProject,
  };
  let loaded = await loadServerConfigs({ env: ctx.env, home, cwd: ctx.cwd, flags: serverFlags });
  // Problems in a file Warden only reads (Claude Code's): said once, before anything starts.
  for (const notice of loaded.notices) ctx.stderr.write(`warden: ${notice}\n`);
  const config = loadAgentConfig(ctx.env, {
    ...(values.server?.[0] !== undefined && { server: values.server[0] }),
    ...(values.model !== undefined && { model: values.model }),
    ...(values['max-turns'] !== undefined && { maxTurns: values['max-turns'] }),
    noAuth: values['no-auth'] === true,
  });
  let prompt = '';
  if (values.print) {
    prompt = positionals.join(' ').trim();
    if (prompt === '' && !ctx.stdin.isTTY) prompt = (await readAll(ctx.stdin)).trim();
    if (prompt === '') throw new UsageError('-p needs a prompt: warden -p "reverse hello world"', command);
    for (const file of loaded.untrusted) ctx.stderr.write(`warden: ${untrustedNotice(file)}\n`);
  } else if (loaded.untrusted.length > 0 && ctx.stdin.isTTY) {
    // Before the TUI owns the terminal: one question per project file that waits for approval.
    const { askToApprove, rememberApproval } = await import('./project-approval.js');
    let approved = false;
    for (const file of loaded.untrusted) {
      if (!(await askToApprove(file, ctx))) continue;
      await rememberApproval(file, home);
      approved = true;
    }
    if (approved) loaded = await loadServerConfigs({ env: ctx.env, home, cwd: ctx.cwd, flags: serverFlags });
  }
  config.servers = loaded.servers;

  // Loaded after the flags and config are known good, so a usage error answers at once; print
  // mode never loads Ink and React, the TUI never loads print mode, and each loads in parallel.
  const [{ createAgentEngine }, front] = await Promise.all([import('../core/engine.js'), values.print ? import('./print-mode.js') : import('../ui/run.js')]);
  let questions = {};
  if (values.print) {
    const { printQuestions, readElicitAnswers } = await import('./print-questions.js');
    const answers = values['elicit-json'] !== undefined ? await readElicitAnswers(values['elicit-json']) : undefined;
    questions = printQuestions({ ...(answers && { answers }), allowSampling: values['allow-sampling'] === true, stderr: ctx.stderr });
  }
  // Lines for the user from the sign-ins, audit log and conversations: stderr in print mode, notices in the chat (runTui listens).
  const notices = new Notices();
  const onWarning = (line: string): void => notices.emit(line);
  if ('runPrint' in front) notices.listen((line) => ctx.stderr.write(`warden: ${line}\n`));
  const { permissions, audit } = permissionDeps({
    allowedTools,
    disallowedTools,
    yes,
    files: loaded.permissions,
    canAsk: !values.print,
    userFile: userServerFile(home),
    auditFile: auditLogFile(home),
    onWarning,
  });
  // Every server's sign-in: its settings built once (flags, its `auth` entry, ENTRA_*, its metadata), its kind's module.
  const signIns = commandSignIns(ctx, {
    servers: config.servers,
    noAuth: config.noAuth,
    approveRun: values['approve-server'] === true,
    approvalHint: 'runPrint' in front ? front.APPROVE_HINT : 'answer y to approve',
    onWarning,
  });
  const engine = createAgentEngine(config, {
    permissions,
    env: ctx.env,
    home,
    cwd: ctx.cwd,
    logDir: serverLogDir(home),
    signIns,
    conversations: { dir: conversationDir(home), cwd: ctx.cwd, onError: onWarning },
    notices,
    ...questions,
    // The chat opens the sign-in a refused call needs, and the call waits for it; -p has no one to sign in.
    ...(!('runPrint' in front) && { holdCallsForSignIn: true }),
  });
  // Which conversation to go on with: the latest here (-c), a given one, or (the chat's -r) one the user picks.
  try {
    if ('runPrint' in front) return await front.runPrint(engine, prompt, { output, quiet: values.quiet === true, ...(resume && !('pick' in resume) && { resume }) }, ctx);
    return await front.runTui(engine, ctx, { ...(resume && { resume }) });
  } finally {
    await engine.close();
    await audit.flushed();
  }
};
