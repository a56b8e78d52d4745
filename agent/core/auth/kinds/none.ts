import { printableUrl } from '../../../../config/printable-url.js';
import { SignInNeededError } from '../../mcp/errors.js';
import { describeProvenance } from '../settings.js';
import type { SignInKind } from './kind.js';

/**
 * The `none` kind (and --no-auth, and stdio servers): no Authorization header, nothing to sign in
 * to or out of. A server that answers 401 anyway is told apart from one that is down: its line
 * says sign-in is needed and why none is made (--no-auth, or `auth` none in which file).
 */
export const none: SignInKind = (settings) => {
  const noAuthFlag = settings.kind.from.from === 'flag';
  const why = noAuthFlag ? 'authentication is off (--no-auth)' : `${settings.server.name} needs no sign-in (auth kind none)`;
  const refused = noAuthFlag
    ? `the server at ${printableUrl(settings.server.url)} requires sign-in, but --no-auth is set`
    : `the server at ${printableUrl(settings.server.url)} requires sign-in, but its \`auth\` is {"kind": "none"} (${describeProvenance(settings.kind.from)})`;
  return {
    settings,
    // A stdio server has no URL to send anything to.
    connect: () =>
      settings.server.url === ''
        ? undefined
        : {
            provider: {
              token: async () => undefined,
              onUnauthorized: async () => {
                throw new SignInNeededError(refused);
              },
            },
          },
    describe: async () => ({ signedIn: false, detail: 'no sign-in' }),
    login: async () => ({ outcome: 'nothing', why }),
    logout: async () => ({ outcome: 'nothing', why }),
  };
};
