import { createInterface } from 'node:readline/promises';
import { safeLine } from '../../config/terminal-text.js';
import { printableTarget } from '../core/host/printable-target.js';
import type { UntrustedProjectFile } from '../core/host/load-servers.js';
import type { CommandContext } from './context.js';

/**
 * The chat's question before it starts servers from a project `.mcp.json` the user has not
 * approved (it can start programs on their machine): asked once per file on the terminal,
 * before the TUI takes it over; the answer is remembered with the file's hash by the caller.
 * Not responsible for: storing the answer (trust-store.ts) or loading files (load-servers.ts).
 */
export async function askToApprove(file: UntrustedProjectFile, ctx: CommandContext): Promise<boolean> {
  const servers =
    file.servers.length > 0
      ? [
          `${safeLine(file.file, 200)} wants to start these MCP servers:`,
          ...file.servers.map((s) => `  ${safeLine(s.name, 64)}  ${s.type}  ${printableTarget(s)}`),
          'They run as programs on this machine (or receive values from your environment).',
        ]
      : [];
  const allow = file.allowRules.length > 0 ? [`${safeLine(file.file, 200)} lets these tools run without asking: ${file.allowRules.map((p) => safeLine(p, 80)).join(', ')}`] : [];
  const lines = [...servers, ...allow, 'Only allow a project you trust.'];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  const rl = createInterface({ input: ctx.stdin, output: ctx.stdout, terminal: false });
  try {
    const answer = await rl.question('Allow them, now and until the file changes? [y/N] ', { signal: ctx.shutdownSignal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    // Ctrl-C or a shutdown while asking: not approved.
    return false;
  } finally {
    rl.close();
  }
}
