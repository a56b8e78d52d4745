import type { Command } from './context.js';

// Placeholder until its issue lands; replaced by the real command.
export const logout: Command = async (_args, ctx) => {
  ctx.stderr.write('warden: `logout` is not built yet\n');
  return 1;
};
