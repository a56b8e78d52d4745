import type { SignInKind } from './kind.js';

/**
 * The `none` kind (and --no-auth, and stdio servers): no Authorization header, nothing to sign in
 * to or out of. A server that answers 401 anyway is reported as needing sign-in by the session.
 */
export const none: SignInKind = (settings) => {
  const why = settings.kind.from.from === 'flag' ? 'authentication is off (--no-auth)' : `${settings.server.name} needs no sign-in (auth kind none)`;
  return {
    settings,
    connect: () => undefined,
    describe: async () => ({ signedIn: false, detail: 'no sign-in' }),
    login: async () => ({ outcome: 'nothing', why }),
    logout: async () => ({ outcome: 'nothing', why }),
  };
};
