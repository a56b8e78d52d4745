import type { SlashCommand } from './types.js';

export const login: SlashCommand = {
  name: 'login',
  description: 'sign in with a device code',
  run(ctx) {
    if (ctx.status.auth.state === 'disabled') {
      ctx.add({ kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign in to.' });
      return;
    }
    ctx.signIn();
  },
};
