import type { SlashCommand } from './types.js';

export const help: SlashCommand = {
  name: 'help',
  aliases: ['?'],
  description: 'commands and keys',
  run(ctx) {
    ctx.add({ kind: 'help', commands: ctx.commands.map(({ name, description }) => ({ name, description })) });
  },
};
