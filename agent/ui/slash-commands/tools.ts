import { errorMessage } from '../../../config/error-text.js';
import type { ToolSummary } from '../../core/engine-types.js';
import type { SlashCommand } from './types.js';

/** Tools per /tools page: a screenful, and what the transcript keeps of one listing. */
export const TOOLS_PAGE = 40;
/** A description kept in the transcript is cut here; the view shows fewer lines still. */
const DESCRIPTION_CHARS = 2000;

const trimmed = (t: ToolSummary): ToolSummary => (t.description.length > DESCRIPTION_CHARS ? { ...t, description: t.description.slice(0, DESCRIPTION_CHARS) } : t);

/** `/tools [PAGE]`: one page of the tools, withheld ones with the reason. */
export const tools: SlashCommand = {
  name: 'tools',
  description: "the MCP servers' tools; /tools PAGE for more",
  async run(ctx, args) {
    const arg = args.trim();
    const number = arg === '' ? 1 : Number(arg);
    if (!Number.isInteger(number) || number < 1) {
      ctx.add({ kind: 'error', text: 'Usage: /tools, or /tools PAGE (a page number)' });
      return;
    }
    try {
      const list = await ctx.engine.listTools();
      if (list.length === 0) {
        ctx.add({ kind: 'info', text: 'The server offers no tools.' });
        return;
      }
      const pages = Math.ceil(list.length / TOOLS_PAGE);
      const page = Math.min(number, pages);
      const shown = list.slice((page - 1) * TOOLS_PAGE, page * TOOLS_PAGE).map(trimmed);
      ctx.add({ kind: 'tools', tools: shown, ...(pages > 1 && { page: { number: page, pages, total: list.length } }) });
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not list tools: ${errorMessage(error)}` });
    }
  },
};
