import { createInterface } from 'node:readline/promises';
import { safeLine } from '../../config/terminal-text.js';
import { APPROVE_HINT, projectEnvNotice } from '../core/host/agent-env.js';
import type { UntrustedProjectFile } from '../core/host/load-servers.js';
import { trustStoreFile } from '../core/host/paths.js';
import { envReviewLines, projectReviewLines } from '../core/host/project-review.js';
import { approveProjectFile } from '../core/host/trust-store.js';
import type { CommandContext } from './context.js';

/**
 * The chat's questions before it uses a project's files the user has not approved — `.env` (it
 * could choose where their keys and tokens go) and `.mcp.json` (it could start programs, direct
 * their credentials and let tools run unasked): what the file says and what approving grants
 * (project-review.ts), asked once per file on the terminal before the TUI takes it over, the
 * answer remembered with the file's SHA-256. `-p` never asks: `--trust-project` applies the files
 * for that run, and without it one line says what was left out.
 * Not responsible for: loading the files (load-servers.ts, agent-env.ts).
 */

/** Asks `lines` and a yes/no question on the terminal; anything but yes (or Ctrl-C) is no. */
async function ask(lines: string[], ctx: CommandContext): Promise<boolean> {
  ctx.stdout.write(`${lines.join('\n')}\n`);
  const rl = createInterface({ input: ctx.stdin, output: ctx.stdout, terminal: false });
  try {
    const answer = await rl.question('Approve it, now and until the file changes? [y/N] ', { signal: ctx.shutdownSignal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    // Ctrl-C or a shutdown while asking: not approved.
    return false;
  } finally {
    rl.close();
  }
}

export function askToApprove(file: UntrustedProjectFile, ctx: CommandContext): Promise<boolean> {
  return ask(projectReviewLines(file), ctx);
}

/** Records the approval of `file` as it is now. */
export function rememberApproval(file: { file: string; hash: string }, home: string): Promise<void> {
  return approveProjectFile(file.file, file.hash, { storePath: trustStoreFile(home) });
}

/**
 * The context to run with, as far as a waiting project `.env` goes: applied when `-p` has
 * --trust-project or the user approves it now in the chat (a terminal is needed to ask); else left
 * out, which `-p` says in one line.
 */
export async function settleProjectEnv(
  ctx: CommandContext,
  run: { print: boolean; trustProject: boolean; home: string /** `warden trust` reads the answer from any stdin. */; askWithoutTerminal?: boolean },
): Promise<CommandContext> {
  const pending = ctx.pendingProjectEnv;
  if (!pending) return ctx;
  const { pendingProjectEnv: _settled, ...rest } = ctx;
  if (run.print) {
    if (run.trustProject) return { ...rest, env: pending.env() };
    ctx.stderr.write(`warden: ${safeLine(projectEnvNotice(pending.file, `${APPROVE_HINT}, or pass --trust-project`), 1000)}\n`);
    return rest;
  }
  if ((!ctx.stdin.isTTY && run.askWithoutTerminal !== true) || !(await ask(envReviewLines(pending.file), ctx))) return rest;
  await rememberApproval(pending.file, run.home);
  return { ...rest, env: pending.env() };
}
