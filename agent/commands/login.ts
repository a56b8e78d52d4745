import type { Command } from './context.js';

// Placeholder until its issue lands; replaced by the real command.
export const login: Command = async (_args, ctx) => {
  ctx.stderr.write('warden: `login` is not built yet\n');
  return 1;
};
