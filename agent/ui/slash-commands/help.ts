import type { SlashCommand } from './types.js';

export const help: SlashCommand = {
  name: 'help',
  aliases: ['?'],
  description: 'commands, MCP prompts and keys',
  async run(ctx) {
    // A server that cannot list its prompts now only leaves them out.
    const prompts = await ctx.engine.listPrompts().catch(() => []);
    ctx.add({
      kind: 'help',
      commands: ctx.commands.map(({ name, description }) => ({ name, description })),
      prompts: prompts.map((p) => ({ usage: p.usage, description: p.title && p.description ? `${p.title}: ${p.description}` : (p.description ?? p.title ?? '') })),
    });
  },
};
