import type { SlashCommand } from './types.js';

/** `/cost` (or `/usage`): tokens and cost so far, by model and by MCP server, and the context. */
export const cost: SlashCommand = {
  name: 'cost',
  aliases: ['usage'],
  description: 'tokens and cost so far, by model and by MCP server',
  run(ctx) {
    ctx.add({ kind: 'cost', report: ctx.engine.usage() });
  },
};
