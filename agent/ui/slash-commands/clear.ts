import type { SlashCommand } from './types.js';

export const clear: SlashCommand = {
  name: 'clear',
  description: 'forget the conversation and clear the screen',
  run(ctx) {
    ctx.engine.clearHistory();
    ctx.clearScreen();
    ctx.add({ kind: 'info', text: 'Conversation cleared.' });
  },
};
