import { safeLine } from '../../../../config/terminal-text.js';
import { SignInNeededError } from '../../mcp/errors.js';
import { unapprovedCredentials, type SignInSettings } from '../settings.js';
import type { ServerSignIn } from './kind.js';

/**
 * A server whose sign-in a project file chose and the user has not approved (issue 21 §1): no
 * token is obtained or sent, nothing is asked of an identity provider, and every path says which
 * file waits and how to approve it. The configuration loader keeps such servers out already; this
 * is the same check where credentials are handed out, for any path that reaches a sign-in anyway.
 * Not responsible for asking the user (the chat asks about the file before it starts).
 */

/** One line: which settings, from which file, and how to approve it. */
export function unapprovedLine(settings: SignInSettings): string {
  const from = settings.server.from;
  const file = from.from === 'project-file' ? from.file : 'a project file';
  const what =
    settings.kind.value === 'server'
      ? `asks for a sign-in, and its entry comes from ${safeLine(file, 300)}`
      : `takes its sign-in (${unapprovedCredentials(settings).join(', ')}) from ${safeLine(file, 300)}`;
  return `server "${safeLine(settings.server.name, 64)}" ${what}, which you have not approved: run \`warden trust\` in that directory to review and approve it (or pass --trust-project with -p)`;
}

export function unapproved(settings: SignInSettings): ServerSignIn {
  const line = unapprovedLine(settings);
  return {
    settings,
    connect: () => ({
      provider: {
        // A server without `auth` may need no sign-in at all: it is asked without a token, and refused only if it asks for one.
        token: async () => {
          if (settings.kind.value === 'server') return undefined;
          throw new SignInNeededError(line);
        },
        onUnauthorized: async () => {
          throw new SignInNeededError(line);
        },
      },
    }),
    describe: async () => ({
      signedIn: false,
      detail: `waits for approval of ${safeLine(settings.server.from.from === 'project-file' ? settings.server.from.file : 'its file', 300)}`,
    }),
    login: async () => {
      throw new SignInNeededError(line);
    },
    logout: async () => ({ outcome: 'nothing', why: line }),
  };
}
