/**
 * What a resumed conversation used that this session no longer has: servers that are not
 * configured any more, and tools their (connected) server no longer offers. A server that is only
 * down now is not "gone": the model is told about unavailable servers each round anyway.
 *
 * Not responsible for: deciding what the model is offered (the host), the wording of other notices.
 */
import type { ServerStatus } from '../engine-types.js';
import type { ServerConfig } from '../host/server-config.js';
import type { MappedTool } from '../host/tool-names.js';

export interface GoneCheck {
  /** Servers named in the saved conversation. */
  savedServers: readonly string[];
  /** Tools its calls used (server absent for the one-server shortcut). */
  toolsUsed: ReadonlyArray<{ server?: string; tool: string }>;
  configured: readonly ServerConfig[];
  statuses: readonly ServerStatus[];
  offered: readonly MappedTool[];
}

/** One line naming what is gone, or undefined when nothing is. */
export function goneLine(check: GoneCheck): string | undefined {
  const names = new Set(check.configured.map((s) => s.name));
  const servers = [...new Set(check.savedServers)].filter((name) => !names.has(name));
  const connected = new Set(check.statuses.filter((s) => s.connection.state === 'connected').map((s) => s.name));
  const tools = check.toolsUsed.filter((used) => {
    const candidates = check.offered.filter((t) => used.server === undefined || t.server === used.server);
    const judged = used.server === undefined ? connected.size > 0 : connected.has(used.server);
    return judged && !candidates.some((t) => t.tool === used.tool);
  });
  if (servers.length === 0 && tools.length === 0) return undefined;
  const parts = [
    ...(servers.length > 0 ? [`${servers.length === 1 ? 'server' : 'servers'} ${servers.join(', ')}`] : []),
    ...(tools.length > 0 ? [`${tools.length === 1 ? 'tool' : 'tools'} ${tools.map((t) => (t.server !== undefined ? `${t.server} › ${t.tool}` : t.tool)).join(', ')}`] : []),
  ];
  return `Gone since this conversation was saved: ${parts.join('; ')}.`;
}
