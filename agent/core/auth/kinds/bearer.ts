import type { AuthProvider } from '@modelcontextprotocol/client';
import type { Env } from '../../../../config/load.js';
import { safeLine } from '../../../../config/terminal-text.js';
import { SignInNeededError } from '../../mcp/errors.js';
import type { SignInKind } from './kind.js';

/**
 * The `bearer` kind: `Authorization: Bearer $VAR`, read when sent, so a changed variable needs no
 * restart. A 401 cannot be fixed by Warden: it is reported once, with the server's own
 * `error`/`error_description` (terminal-safe), never retried. Nothing to sign in to or out of.
 * Not responsible for where the variable comes from (the environment Warden was given).
 */
function bearerProvider(server: string, variable: string, env: Env): AuthProvider {
  return {
    token: async () => {
      const value = env[variable]?.trim();
      if (!value) throw new SignInNeededError(`the token variable ${variable} for server "${server}" is not set`);
      return value;
    },
    onUnauthorized: async ({ response }) => {
      const header = response.headers.get('www-authenticate') ?? '';
      const error = /\berror="([^"]*)"/.exec(header)?.[1];
      const description = /\berror_description="([^"]*)"/.exec(header)?.[1];
      const reason = error ? ` (${safeLine(error, 40)}${description ? `: ${safeLine(description, 160)}` : ''})` : '';
      throw new SignInNeededError(`server "${server}" refused the token in ${variable}${reason}`);
    },
  };
}

export const bearer: SignInKind = (settings, context) => {
  const variable = settings.tokenEnv?.value ?? '';
  const name = settings.server.name;
  const isSet = (): boolean => (context.env[variable] ?? '').trim() !== '';
  const why = `${name} sends the token in ${variable} (auth kind bearer): nothing to sign in`;
  return {
    settings,
    connect: () => ({ provider: bearerProvider(name, variable, context.env) }),
    describe: async () => ({ signedIn: isSet(), detail: `token from ${variable} (${isSet() ? 'set' : 'not set'})` }),
    login: async () => ({ outcome: 'nothing', why }),
    logout: async () => ({ outcome: 'nothing', why: `${name} sends the token in ${variable} (auth kind bearer): nothing to sign out of` }),
  };
};
