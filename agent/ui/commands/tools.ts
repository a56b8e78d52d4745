import { errorMessage } from '../../../config/error-text.js';
import type { SlashCommand } from './types.js';

export const tools: SlashCommand = {
  name: 'tools',
  description: "the MCP server's tools",
  async run(ctx) {
    try {
      const list = await ctx.engine.listTools();
      ctx.add(list.length > 0 ? { kind: 'tools', tools: list } : { kind: 'info', text: 'The server offers no tools.' });
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not list tools: ${errorMessage(error)}` });
    }
  },
};
