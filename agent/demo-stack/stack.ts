import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { buildLoginConfig, type LoginConfig } from '../../auth/login/index.js';
import type { Env } from '../../config/load.js';
import { loadServerConfig } from '../../mcp-server/config.js';
import { jsonLineLogger } from '../../mcp-server/log.js';
import { writeDemoSignIn } from './demo-settings.js';
import { startMcpServer, type RunningServer } from '../../mcp-server/server.js';

/** What `warden demo` runs beside the TUI: the dev identity provider and the MCP server, both on loopback. */
export interface DemoStack {
  idp: RunningDevIdp;
  server: RunningServer;
  /** Sign-in settings pointing at the dev identity provider, with the demo's own token cache. */
  login: LoginConfig;
  /** Where the provider's and the server's logs go (the TUI owns the terminal). */
  logDir: string;
  close(): Promise<void>;
}

export interface DemoStackOptions {
  /** Holds the provider's keys and certificate, the demo token cache and the logs. */
  dir: string;
  /** The user's environment: only NWS_* and REVERSE_STEP_MS pass through to the server. */
  env: Env;
}

/** Server settings a user may still want in the demo (an NWS mirror, faster steps); auth comes from the provider. */
const PASSED_TO_SERVER = ['NWS_BASE_URL', 'NWS_USER_AGENT', 'NWS_TIMEOUT_MS', 'REVERSE_STEP_MS'] as const;

function logStream(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a', mode: 0o600 });
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve) => stream.end(resolve));
}

/**
 * Starts the dev identity provider (on last run's port, so the cached sign-in stays valid) and
 * the MCP server verifying its tokens, on a free port.
 */
/** The settings that make a Warden server trust `idp`'s tokens for `audience` (by default the audience its tokens carry). */
export function devIdpServerEnv(idp: RunningDevIdp, audience: string = idp.tokenAudience): Env {
  return { ENTRA_AUTHORITY_HOST: idp.authorityHost, ENTRA_TENANT_ID: idp.tenantId, ENTRA_API_AUDIENCE: audience, WARDEN_DEV_CA_FILE: idp.caFile };
}

export async function startDemoStack({ dir, env }: DemoStackOptions): Promise<DemoStack> {
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const idpLog = logStream(join(logDir, 'dev-idp.log'));
  const serverLog = logStream(join(logDir, 'server.log'));
  const idp = await startDevIdp({
    dataDir: join(dir, 'idp'),
    log: (line) => idpLog.write(`${new Date().toISOString()} ${line}\n`),
  });
  try {
    const serverEnv = devIdpServerEnv(idp);
    for (const key of PASSED_TO_SERVER) if (env[key] !== undefined) serverEnv[key] = env[key];
    const server = await startMcpServer(loadServerConfig(serverEnv, { port: 0, host: '127.0.0.1' }), {
      logger: jsonLineLogger(serverLog),
    });
    const login = buildLoginConfig({
      authorityHost: idp.authorityHost,
      tenantId: idp.tenantId,
      clientId: idp.clientId,
      apiScope: idp.apiScope,
      cachePath: join(dir, 'token_cache.json'),
      caFile: idp.caFile,
    });
    // Found by status, login and logout from any directory (demo-settings.ts).
    await writeDemoSignIn(dir, {
      authorityHost: idp.authorityHost,
      tenantId: idp.tenantId,
      clientId: idp.clientId,
      scope: idp.apiScope,
      tokenCache: login.cachePath,
      caFile: idp.caFile,
    });
    return {
      idp,
      server,
      login,
      logDir,
      async close() {
        await server.close();
        await idp.close();
        await Promise.all([closeStream(serverLog), closeStream(idpLog)]);
      },
    };
  } catch (error) {
    await idp.close();
    await Promise.all([closeStream(serverLog), closeStream(idpLog)]);
    throw error;
  }
}
