import type { Command } from './context.js';

// Placeholder until its issue lands; replaced by the real command.
export const status: Command = async (_args, ctx) => {
  ctx.stderr.write('warden: `status` is not built yet\n');
  return 1;
};
