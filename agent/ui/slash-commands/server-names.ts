import { didYouMean } from '../../../config/did-you-mean.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerStatus, SessionStatus } from '../../core/engine-types.js';
import type { CompletionItem } from '../completion/types.js';
import type { SlashCommandContext } from './types.js';

/** Server names as commands take them: looked up with a "did you mean", and offered for completion. */

/** The server called `name`; otherwise says which name was meant (before anything else happens) and returns undefined. */
export function serverNamed(ctx: SlashCommandContext, name: string): ServerStatus | undefined {
  const servers = ctx.engine.getStatus().servers;
  const server = servers.find((s) => s.name === name);
  if (!server) {
    const names = servers.map((s) => s.name);
    ctx.add({ kind: 'error', text: `No server named "${safeLine(name, 64)}"${didYouMean(name, names)} (/mcp lists them)` });
  }
  return server;
}

/** A server's state in a few words, for the completion list. */
function stateWords(server: ServerStatus): string {
  const c = server.connection;
  switch (c.state) {
    case 'connected':
      return `connected · ${c.toolCount} ${c.toolCount === 1 ? 'tool' : 'tools'}`;
    case 'connecting':
      return 'connecting…';
    case 'sign-in-needed':
      return 'needs sign-in';
    case 'failed':
      return 'failed';
  }
}

/** Completion items for server names (those `keep` accepts), with each server's state beside it. */
export function serverItems(status: SessionStatus, keep: (server: ServerStatus) => boolean = () => true): CompletionItem[] {
  return status.servers.filter(keep).map((s) => ({ value: `${s.name} `, label: s.name, description: stateWords(s) }));
}
