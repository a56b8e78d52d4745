import type { SlashCommand } from './types.js';

export const status: SlashCommand = {
  name: 'status',
  description: 'server, sign-in and model details',
  run(ctx) {
    ctx.add({ kind: 'status', status: ctx.status, now: ctx.now });
  },
};
