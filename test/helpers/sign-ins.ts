import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerSignIn } from '../../agent/core/auth/kinds/kind.js';
import { createSignInDirectory, type SignInDirectory, type SignInDirectoryOptions } from '../../agent/core/auth/server-sign-in.js';
import { SessionAuth } from '../../agent/core/auth/session-auth.js';
import { signInSettings } from '../../agent/core/auth/settings.js';
import { fixedMethod, type TokenMethod } from '../../agent/core/auth/token-method.js';
import type { Authenticator } from '../../auth/login/types.js';

/**
 * Sign-ins for engines under test: the production directory with the test's own environment
 * (a scratch home unless the environment names a token cache), or every HTTP server signing in
 * through one given method (a scripted or minting Authenticator) with no gate, as a caller that
 * configured its Authenticator itself would.
 */

/** A scratch home directory, so nothing lands in the real ~/.config/warden. */
export function scratchHome(): string {
  return mkdtempSync(join(tmpdir(), 'warden-home-'));
}

/** The production sign-ins from `env` (and the options the chat would give). */
export function envSignIns(env: Record<string, string | undefined>, options: Partial<SignInDirectoryOptions> = {}): SignInDirectory {
  return createSignInDirectory({ env, home: scratchHome(), cwd: process.cwd(), ...options });
}

/** Every HTTP server signs in through `method` (no gate, no files). */
export function methodSignIns(method: TokenMethod): SignInDirectory {
  const home = scratchHome();
  return {
    forServer(server): ServerSignIn {
      const settings = signInSettings(server, { env: {}, home, cwd: process.cwd() });
      const nothing = async () => ({ outcome: 'nothing' as const, why: 'a test sign-in' });
      return {
        settings,
        connect: (onState) => {
          if (server.type === 'stdio' || (server.auth !== undefined && server.auth.kind !== 'entra')) return undefined;
          const session = new SessionAuth({ serverUrl: server.url, method, onState });
          return { provider: session.provider(), session };
        },
        describe: async () => ({ signedIn: false, detail: 'a test sign-in' }),
        login: nothing,
        logout: nothing,
      };
    },
  };
}

/** Every HTTP server signs in with this Authenticator. */
export function fixedSignIns(authenticator: Authenticator): SignInDirectory {
  return methodSignIns(fixedMethod(authenticator));
}
