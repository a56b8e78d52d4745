import type { SlashCommand } from './types.js';

export const exit: SlashCommand = {
  name: 'exit',
  aliases: ['quit'],
  description: 'leave Warden',
  run(ctx) {
    ctx.exit();
  },
};
