import { errorMessage } from '../../../config/error-text.js';
import { didYouMean } from '../../../config/did-you-mean.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ToolSummary } from '../../core/engine-types.js';
import type { CompletionItem } from '../completion/types.js';
import type { SlashCommand } from './types.js';

/** Tools per /tools page: a screenful, and what the transcript keeps of one listing. */
export const TOOLS_PAGE = 40;
/** A description kept in the transcript is cut here; the view shows fewer lines still. */
const DESCRIPTION_CHARS = 2000;
const USAGE = 'Usage: /tools [SERVER or TOOL] [PAGE]';

const trimmed = (t: ToolSummary): ToolSummary => (t.description.length > DESCRIPTION_CHARS ? { ...t, description: t.description.slice(0, DESCRIPTION_CHARS) } : t);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The tools `filter` names: a server's, or the tool of that name (on any server); undefined when it names neither. */
function pick(list: readonly ToolSummary[], filter: string): ToolSummary[] | undefined {
  const server = list.filter((t) => t.server === filter);
  if (server.length > 0) return server;
  const tool = list.filter((t) => t.name === filter);
  return tool.length > 0 ? tool : undefined;
}

/** `/tools [SERVER|TOOL] [PAGE]`: one page of the tools (of one server, or one tool), withheld ones with the reason. */
export const tools: SlashCommand = {
  name: 'tools',
  description: "the MCP servers' tools; /tools SERVER or TOOL, /tools PAGE for more",
  async run(ctx, args) {
    const words = args.trim().split(/\s+/).filter(Boolean);
    const number = words.length > 0 && /^\d+$/.test(words.at(-1) ?? '') ? Number(words.pop()) : 1;
    const [filter, ...extra] = words;
    if (number < 1 || extra.length > 0) {
      ctx.add({ kind: 'error', text: USAGE });
      return;
    }
    let list: ToolSummary[];
    try {
      list = await ctx.engine.listTools();
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not list tools: ${errorMessage(error)}` });
      return;
    }
    if (list.length === 0) {
      ctx.add({ kind: 'info', text: 'The server offers no tools.' });
      return;
    }
    if (filter !== undefined) {
      const chosen = pick(list, filter);
      if (!chosen) {
        const names = [...list.flatMap((t) => (t.server !== undefined ? [t.server] : [])), ...list.map((t) => t.name)];
        ctx.add({ kind: 'error', text: `No server or tool named "${safeLine(filter, 64)}"${didYouMean(filter, names) || ' (/tools lists them)'}` });
        return;
      }
      list = chosen;
    }
    const pages = Math.ceil(list.length / TOOLS_PAGE);
    if (number > pages) {
      const again = filter !== undefined ? `/tools ${filter}` : '/tools';
      ctx.add({ kind: 'error', text: `There is no page ${number}: ${plural(list.length, 'tool')} fit on ${plural(pages, 'page')} (${again}${pages > 1 ? ` 1 … ${pages}` : ''}).` });
      return;
    }
    const shown = list.slice((number - 1) * TOOLS_PAGE, number * TOOLS_PAGE).map(trimmed);
    const withheld = list.filter((t) => t.withheld !== undefined).length;
    ctx.add({
      kind: 'tools',
      tools: shown,
      ...(pages > 1 && { page: { number, pages, total: list.length, ...(withheld > 0 && { withheld }), ...(filter !== undefined && { filter }) } }),
    });
  },
  async complete(given, { engine }) {
    if (given.length > 0) return [];
    const list = await engine.listTools();
    const servers = [...new Set(list.flatMap((t) => (t.server !== undefined ? [t.server] : [])))];
    const items: CompletionItem[] = servers.map((server) => ({
      value: `${server} `,
      label: server,
      description: `${plural(list.filter((t) => t.server === server && t.withheld === undefined).length, 'tool')}`,
    }));
    for (const tool of list)
      items.push({ value: `${tool.name} `, label: tool.server !== undefined ? `${tool.server} › ${tool.name}` : tool.name, description: tool.description.split('\n')[0] ?? '' });
    return items;
  },
};
