import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import { parseFlags } from '../../config/flags.js';
import { loadAgentConfig } from '../config.js';
import { createSignInDirectory } from '../core/auth/server-sign-in.js';
import { Notices } from '../core/notices.js';
import { createAgentEngine } from '../core/engine.js';
import type { ServerConfig } from '../core/host/server-config.js';
import { demoDir } from '../demo-stack/demo-settings.js';
import { startDemoStack } from '../demo-stack/stack.js';
import { runTui } from '../ui/run.js';
import type { Command } from './context.js';
import { permissionDeps } from './permission-setup.js';
import { resumeChoice, takeResumeFlag } from './resume-flags.js';

const USAGE = `Usage: warden demo [--sign-out] [-c | -r [ID]]   (npm start)

The offline demo: starts the embedded development identity provider and the MCP server on
loopback, then the chat signed in against them. The first run shows a device code to approve
(in a browser, or with the printed curl line); later runs reuse the cached token.
Set ANTHROPIC_API_KEY to chat with Claude instead of the offline demo model.

  --sign-out         forget the demo's cached sign-in first (shows the device code again)
  -c, --continue     go on with the demo's latest conversation
  -r, --resume [ID]  go on with a saved demo conversation (without ID: pick one)

Its own server's tools are read-only and run without asking. Data, token cache, logs, the audit
log of tool calls and saved conversations: WARDEN_DEMO_DIR (default ~/.config/warden/demo).`;

/**
 * The demo's other way to approve a device code: a label, then on its own line a curl command.
 * The chat prints it above the sign-in panel as one unwrapped line, so a mouse copies it whole;
 * the CA path is shortened under `~`.
 */
export function approveWithCurl(prompt: Pick<DeviceCodePrompt, 'userCode' | 'verificationUri'>, caFile: string, home: string): string {
  const short = caFile.startsWith(`${home}/`) ? `~/${caFile.slice(home.length + 1)}` : caFile;
  // `~` expands only unquoted: a path that needs quotes is given in full.
  const ca = /^[\w~./:@+-]+$/.test(short) ? short : `'${caFile.replace(/'/g, `'\\''`)}'`;
  return `To approve without a browser, run this in a shell on this machine:\ncurl ${prompt.verificationUri} --cacert ${ca} -d user_code=${prompt.userCode}`;
}

export const demo: Command = async (argv, ctx) => {
  const resumeFlag = takeResumeFlag(argv);
  const { values } = parseFlags(
    resumeFlag.rest,
    { 'sign-out': { type: 'boolean' }, continue: { type: 'boolean', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    false,
    'warden demo',
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const resume = resumeChoice(values.continue, resumeFlag);
  if (!ctx.stdin.isTTY) {
    ctx.stderr.write('warden: the demo is an interactive chat and needs a terminal; for one turn without it see `warden -p --help`\n');
    return 2;
  }
  const dir = demoDir(ctx.env, ctx.home);
  if (values['sign-out']) rmSync(join(dir, 'token_cache.json'), { force: true });

  ctx.stderr.write('warden: starting the demo identity provider and MCP server…\n');
  const stack = await startDemoStack({ dir, env: ctx.env });
  try {
    const config = loadAgentConfig(ctx.env, { server: stack.server.url });
    // The demo's own server is the one-server shortcut, signed in to with the demo's own identity provider and token cache.
    const server: ServerConfig = { name: 'server', source: { kind: 'shortcut', via: 'demo' }, type: 'http', url: stack.server.url, headers: {} };
    config.servers = [server];
    const { login } = stack;
    // Lines for the user from the sign-in, audit log and conversations: notices in the chat (runTui listens).
    const notices = new Notices();
    const notify = (line: string): void => notices.emit(line);
    const signIns = createSignInDirectory({
      env: ctx.env,
      home: ctx.home,
      cwd: ctx.cwd,
      servers: config.servers,
      shortcutEntra: {
        authorityHost: login.authorityHost,
        tenantId: login.tenantId,
        clientId: login.clientId,
        scope: login.apiScope,
        tokenCache: login.cachePath,
        ...(login.caFile && { caFile: login.caFile }),
        from: { from: 'demo' },
      },
      approvalHint: 'answer y to approve',
      authenticatorDeps: { onWarning: notify },
    });
    // The demo's own server is the one-server shortcut: its read-only tools run without asking.
    const { permissions, audit } = permissionDeps({
      allowedTools: [],
      disallowedTools: [],
      yes: false,
      files: { allow: [], deny: [], saved: [] },
      canAsk: true,
      userFile: join(dir, 'mcp.json'),
      auditFile: join(dir, 'audit.log'),
      onWarning: notify,
    });
    const engine = createAgentEngine(config, {
      signIns,
      permissions,
      env: ctx.env,
      home: ctx.home,
      cwd: ctx.cwd,
      logDir: join(dir, 'logs'),
      conversations: { dir: join(dir, 'conversations'), cwd: ctx.cwd, onError: notify },
      notices,
      // A call refused for want of a sign-in waits for the one the chat opens.
      holdCallsForSignIn: true,
    });
    const caFile = stack.idp.caFile;
    try {
      return await runTui(engine, ctx, {
        demo: true,
        signInHint: (prompt) => approveWithCurl(prompt, caFile, ctx.home),
        ...(resume && { resume }),
      });
    } finally {
      await engine.close();
      await audit.flushed();
    }
  } finally {
    await stack.close();
    ctx.stderr.write(`warden: demo stopped (logs in ${stack.logDir})\n`);
  }
};
