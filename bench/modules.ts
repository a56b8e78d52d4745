import { peerServer } from './modules/peer-server.js';
import { serverThroughput } from './modules/server-throughput.js';
import type { BenchModule } from './types.js';

/** Every benchmark, in the order `npm run bench` runs them. A new one is a BenchModule added here. */
export const BENCH_MODULES: readonly BenchModule[] = [serverThroughput, peerServer];
