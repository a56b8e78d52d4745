import { nothingToSignIn } from './login.js';
import type { SlashCommand } from './types.js';

export const logout: SlashCommand = {
  name: 'logout',
  description: 'sign out and forget the cached token',
  async run(ctx) {
    if (ctx.status.auth.state === 'disabled') {
      ctx.add({ kind: 'info', text: nothingToSignIn(ctx.status.auth.why, true) });
      return;
    }
    await ctx.engine.signOut();
    ctx.add({ kind: 'info', text: 'Signed out. Type /login to sign in again.' });
  },
};
