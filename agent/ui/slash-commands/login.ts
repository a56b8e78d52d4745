import { serverItems, serverNamed } from './server-names.js';
import type { SlashCommand } from './types.js';

export const login: SlashCommand = {
  name: 'login',
  description: 'sign in with a device code; /login NAME for one server',
  run(ctx, args) {
    if (ctx.status.auth.state === 'disabled') {
      ctx.add({ kind: 'info', text: 'Authentication is off (--no-auth): there is nothing to sign in to.' });
      return;
    }
    const server = args.trim();
    if (server !== '' && !serverNamed(ctx, server)) return;
    ctx.signIn(server === '' ? undefined : server);
  },
  complete: (given, { status }) => (given.length === 0 ? serverItems(status, (s) => s.auth.state !== 'disabled') : []),
};
