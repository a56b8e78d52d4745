import { join } from 'node:path';
import type { BenchContext } from '../types.js';
import type { LocalIssuer } from './local-issuer.js';
import { spawnServer, type ServerProcess } from './server-process.js';

/** Where a server runs: which built checkout (default: this one) and on which CPUs (default: any). */
export interface Placement {
  build?: string;
  cpus?: string;
}

/**
 * `node <build>/dist/agent/cli.js serve` on a free loopback port with no delay between reverse's
 * progress steps (unless `env` sets REVERSE_STEP_MS): with the issuer's keys, or `--no-auth`
 * without one. Its JSON log goes to `<workDir>/<name>.log`. SIGTERM stops it without the
 * readiness delay of a drain (MCP_DRAIN_DELAY_MS=0).
 */
export function spawnWarden(ctx: BenchContext, name: string, issuer?: LocalIssuer, env: Record<string, string> = {}, placement: Placement = {}): Promise<ServerProcess> {
  return spawnServer({
    command: process.execPath,
    args: [join(placement.build ?? ctx.root, 'dist/agent/cli.js'), 'serve', '--port', '0', ...(issuer ? [] : ['--no-auth'])],
    env: { REVERSE_STEP_MS: '0', MCP_DRAIN_DELAY_MS: '0', ...issuer?.wardenEnv, ...env },
    logFile: join(ctx.workDir, `${name}.log`),
    ...(placement.cpus !== undefined && { cpus: placement.cpus }),
  });
}

/** Per-client `Authorization` headers, one token (own subject) per simulated client. */
export async function bearerHeaders(issuer: LocalIssuer, clients: number): Promise<Record<string, string>[]> {
  return Promise.all(Array.from({ length: clients }, async (_, i) => ({ authorization: `Bearer ${await issuer.mint(`bench-user-${i}`)}` })));
}

/** How many of these tokens appear in a log (by signature, the part that makes a token usable). */
export function tokensInLog(log: string, headers: Record<string, string>[]): number {
  return headers.filter((h) => {
    const signature = h.authorization?.split('.')[2];
    return signature !== undefined && log.includes(signature);
  }).length;
}
