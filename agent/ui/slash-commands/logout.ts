import type { SlashCommand } from './types.js';

export const logout: SlashCommand = {
  name: 'logout',
  description: 'sign out and forget the cached token',
  async run(ctx) {
    if (ctx.status.auth.state === 'disabled') {
      ctx.add({ kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign out of.' });
      return;
    }
    await ctx.engine.signOut();
    ctx.add({ kind: 'info', text: 'Signed out. Type /login to sign in again.' });
  },
};
