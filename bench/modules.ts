import { hostStartup } from './modules/host-startup.js';
import { manyTools } from './modules/many-tools.js';
import { memory } from './modules/memory.js';
import { progressFanout } from './modules/progress-fanout.js';
import { promptCache } from './modules/prompt-cache.js';
import { serverThroughput } from './modules/server-throughput.js';
import { silentToken } from './modules/silent-token.js';
import { startup } from './modules/startup.js';
import type { BenchModule } from './types.js';

/** Every benchmark, in the order `npm run bench` runs them. A new one is a BenchModule added here. */
export const BENCH_MODULES: readonly BenchModule[] = [serverThroughput, startup, hostStartup, silentToken, progressFanout, memory, manyTools, promptCache];
