import type { AuthState } from '../../core/engine-types.js';
import { serverItems, serverNamed } from './server-names.js';
import type { SlashCommand } from './types.js';

/** Why there is nothing to sign in to (or out of), in the user's words: only --no-auth is called --no-auth. */
export function nothingToSignIn(why: Extract<AuthState, { state: 'disabled' }>['why'], out = false): string {
  switch (why) {
    case 'no-auth':
      return `Authentication is off (--no-auth): there is nothing to sign ${out ? 'out of' : 'in to'}.`;
    case 'not-asked':
      return out
        ? 'No server has asked for a sign-in in this session: nothing to sign out of here (warden logout NAME removes a stored sign-in).'
        : 'No server has asked for a sign-in: servers without an `auth` setting sign in when they answer 401 (type /login NAME to sign in to one now).';
    default:
      return `There is nothing to sign ${out ? 'out of' : 'in to'}: no server here uses a sign-in (stdio servers, \`auth\` none and bearer tokens need none).`;
  }
}

export const login: SlashCommand = {
  name: 'login',
  description: 'sign in with a device code; /login NAME for one server',
  run(ctx, args) {
    const server = args.trim();
    const auth = ctx.status.auth;
    // A server that signs in only when asked can be signed in to ahead, by name.
    if (auth.state === 'disabled' && (server === '' || auth.why !== 'not-asked')) {
      ctx.add({ kind: 'info', text: nothingToSignIn(auth.why) });
      return;
    }
    if (server !== '' && !serverNamed(ctx, server)) return;
    ctx.signIn(server === '' ? undefined : server);
  },
  complete: (given, { status }) => (given.length === 0 ? serverItems(status, (s) => s.auth.state !== 'disabled' || s.auth.why === 'not-asked') : []),
};
