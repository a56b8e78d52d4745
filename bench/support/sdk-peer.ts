import { join } from 'node:path';
import type { BenchContext } from '../types.js';
import { spawnServer, type ServerProcess } from './server-process.js';

/**
 * `dist/bench/peer/sdk-server.js` (the bare MCP SDK server) in its own process: its `reverse`
 * reports `steps` progress notifications `stepMs` apart. Its log goes to `<workDir>/<name>.log`.
 */
export function spawnSdkPeer(ctx: BenchContext, name: string, steps: number, stepMs: number, cpus?: string): Promise<ServerProcess> {
  return spawnServer({
    command: process.execPath,
    args: [join(ctx.root, 'dist/bench/peer/sdk-server.js'), '--steps', String(steps), '--step-ms', String(stepMs)],
    env: {},
    logFile: join(ctx.workDir, `${name}.log`),
    ...(cpus !== undefined && { cpus }),
  });
}
