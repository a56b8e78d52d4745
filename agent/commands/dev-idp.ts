import { once } from 'node:events';
import { join } from 'node:path';
import { z } from 'zod';
import { startDevIdp } from '../../auth/dev-idp/index.js';
import { ConfigError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { parseConfig } from '../../config/load.js';
import { port } from '../../config/schema-helpers.js';
import { isLoopbackHost } from '../../config/http-url.js';
import type { Command } from './context.js';

const USAGE = `Usage: warden dev-idp [--port N] [--host 127.0.0.1 [--allow-remote]] [--data-dir DIR] [--token-lifetime SECONDS]

Runs the embedded, Entra-shaped development identity provider (HTTPS, device code flow)
and prints the .env lines that point \`warden login\` and \`warden serve\` at it.
NOT FOR PRODUCTION: it signs in a built-in test user for anyone who can reach it.

  --port N                   port to listen on (default: the last run's port if free, else any; 0 = any)
  --host H                   interface to bind (default 127.0.0.1); URLs always say https://localhost:PORT
  --allow-remote             allow a non-loopback --host (anyone who reaches it can sign in)
  --data-dir DIR             certificate, keys and state (WARDEN_DEV_IDP_DIR, default ~/.config/warden/dev-idp)
  --token-lifetime SECONDS   access token lifetime (default 3600)`;

const optionsSchema = z.object({
  '--port': port.optional(),
  '--host': z.string().min(1).optional(),
  '--data-dir': z.string().min(1).optional(),
  WARDEN_DEV_IDP_DIR: z.string().min(1).optional(),
  '--token-lifetime': z.coerce
    .number({ message: 'expected seconds' })
    .int('expected whole seconds')
    .min(1, 'expected at least 1 second')
    .max(86_400, 'expected at most 86400 seconds')
    .optional(),
});

export const devIdp: Command = async (args, ctx) => {
  const { values } = parseFlags(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'data-dir': { type: 'string' },
      'token-lifetime': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'warden dev-idp',
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseConfig(optionsSchema, {
    '--port': values.port,
    '--host': values.host,
    '--data-dir': values['data-dir'],
    WARDEN_DEV_IDP_DIR: ctx.env.WARDEN_DEV_IDP_DIR,
    '--token-lifetime': values['token-lifetime'],
  });
  const host = options['--host'];
  // It signs in anyone who reaches it: like `serve --no-auth`, loopback only unless asked for in so many words.
  if (host !== undefined && !isLoopbackHost(host) && values['allow-remote'] !== true) {
    throw new ConfigError(`invalid --host: dev-idp signs in anyone who can reach it, so it binds loopback only; add --allow-remote to listen on ${host}`);
  }
  const dataDir = options['--data-dir'] ?? options.WARDEN_DEV_IDP_DIR ?? join(ctx.home, '.config', 'warden', 'dev-idp');

  const idp = await startDevIdp({
    dataDir,
    ...(options['--port'] !== undefined && { port: options['--port'] }),
    ...(host !== undefined && { host }),
    ...(options['--token-lifetime'] !== undefined && { tokenLifetimeSeconds: options['--token-lifetime'] }),
    log: (line) => ctx.stderr.write(`dev-idp: ${line}\n`),
  });
  ctx.stdout.write(
    [
      'warden dev-idp: NOT FOR PRODUCTION. A development identity provider: it signs in a built-in test',
      'user for anyone who can reach it. Use real Microsoft Entra ID for anything that matters.',
      '',
      `  authority      ${idp.authorityHost}/${idp.tenantId}`,
      `  sign-in page   ${idp.verificationUri}`,
      `  token aud      ${idp.tokenAudience}  (v2 access tokens carry the bare app id; ${idp.apiAudience} is the scope prefix)`,
      `  certificate    ${idp.caFile}`,
      `  data           ${dataDir}`,
      '',
      'Paste into .env (or export) to point `warden serve` and `warden login` at it (the agent reads a',
      "project's .env once you approve it: `warden trust`; or put the lines in ~/.config/warden/.env):",
      '',
      ...idp.envLines(),
      '',
      `Approve a device code in a browser, or: curl --cacert ${idp.caFile} -d user_code=CODE ${idp.verificationUri}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  if (!ctx.shutdownSignal.aborted) await once(ctx.shutdownSignal, 'abort');
  await idp.close();
  return 0;
};
