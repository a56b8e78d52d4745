import { createInterface } from 'node:readline/promises';
import type { UntrustedProjectFile } from '../core/host/load-servers.js';
import { projectReviewLines } from '../core/host/project-review.js';
import type { CommandContext } from './context.js';

/**
 * The chat's question before it uses a project `.mcp.json` the user has not approved (it can start
 * programs, direct their credentials and let tools run unasked): the file's entries as written and
 * what approving grants (project-review.ts), asked once per file on the terminal before the TUI
 * takes it over; the answer is remembered with the file's hash by the caller.
 * Not responsible for: storing the answer (trust-store.ts) or loading files (load-servers.ts).
 */
export async function askToApprove(file: UntrustedProjectFile, ctx: CommandContext): Promise<boolean> {
  ctx.stdout.write(`${projectReviewLines(file).join('\n')}\n`);
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
