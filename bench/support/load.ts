import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ownCpuSeconds, processCpuSeconds } from './cpu.js';
import { checkReverseAnswer, REVERSE_CALL_HEADERS, reverseCallBody } from './reverse-call.js';

/** A server under load: where it listens, its process (for CPU time) and each client's extra headers (its token). */
export interface LoadTarget {
  name: string;
  url: string;
  pid: number;
  clientHeaders(client: number): Record<string, string>;
}

/** Totals over every measured round of one target. */
export interface LoadResult {
  completed: number;
  errors: number;
  /** The first few distinct error messages. */
  errorSamples: string[];
  latenciesMs: number[];
  seconds: number;
  /** CPU seconds the server process used while measured; undefined without /proc. */
  serverCpuSeconds?: number;
  loadCpuSeconds: number;
}

export interface LoadPlan {
  /** Concurrent clients, each with its own keep-alive connection and token, sending one call after another. */
  clients: number;
  /** Rounds alternate between the targets (A B A B …), so drift on a shared machine hits all targets alike. */
  rounds: number;
  roundMs: number;
  /** Unmeasured traffic per target first (JIT, JWKS fetch, connection set-up). */
  warmupMs: number;
}

/**
 * The client counts and rounds both load benchmarks use. Both servers need about 3 s of traffic
 * before their cost per call settles (JIT, caches), hence the warm-up; quick mode is a smoke run
 * whose ratios lean against the server that warms up slower.
 */
export function loadSchedule(quick: boolean): { clientCounts: number[]; plan: Omit<LoadPlan, 'clients'> } {
  return quick
    ? { clientCounts: [32], plan: { rounds: 2, roundMs: 1000, warmupMs: 1000 } }
    : { clientCounts: [8, 32], plan: { rounds: 3, roundMs: 3000, warmupMs: 3000 } };
}

/**
 * Drives `reverse` calls (raw JSON-RPC POSTs over undici keep-alive connections, every answer
 * parsed and checked) against each target in interleaved timed rounds.
 */
export async function measureTargets(targets: LoadTarget[], plan: LoadPlan): Promise<Map<string, LoadResult>> {
  const pools = new Map(targets.map((t) => [t.name, new Pool(new URL(t.url).origin, { connections: plan.clients, pipelining: 1 })]));
  const results = new Map<string, LoadResult>(
    targets.map((t) => [t.name, { completed: 0, errors: 0, errorSamples: [], latenciesMs: [], seconds: 0, loadCpuSeconds: 0, serverCpuSeconds: 0 }]),
  );
  try {
    for (const t of targets) await drive(t, pools.get(t.name) as Pool, plan.clients, plan.warmupMs);
    for (let round = 0; round < plan.rounds; round++) {
      for (const t of targets) {
        const total = results.get(t.name) as LoadResult;
        const serverBefore = processCpuSeconds(t.pid);
        const loadBefore = ownCpuSeconds();
        const sample = await drive(t, pools.get(t.name) as Pool, plan.clients, plan.roundMs);
        const serverAfter = processCpuSeconds(t.pid);
        total.loadCpuSeconds += ownCpuSeconds() - loadBefore;
        if (serverBefore === undefined || serverAfter === undefined) delete total.serverCpuSeconds;
        else if (total.serverCpuSeconds !== undefined) total.serverCpuSeconds += serverAfter - serverBefore;
        total.completed += sample.completed;
        total.errors += sample.errors;
        total.seconds += sample.seconds;
        for (const l of sample.latenciesMs) total.latenciesMs.push(l);
        for (const e of sample.errorSamples) if (total.errorSamples.length < 3 && !total.errorSamples.includes(e)) total.errorSamples.push(e);
      }
    }
  } finally {
    await Promise.all([...pools.values()].map((p) => p.destroy()));
  }
  return results;
}

/** `clients` loops, each calling until `ms` have passed since the start. */
async function drive(target: LoadTarget, pool: Pool, clients: number, ms: number): Promise<LoadResult> {
  const path = new URL(target.url).pathname;
  const result: LoadResult = { completed: 0, errors: 0, errorSamples: [], latenciesMs: [], seconds: 0, loadCpuSeconds: 0 };
  const started = performance.now();
  const deadline = started + ms;
  let nextId = 1;
  const client = async (index: number): Promise<void> => {
    const headers = { ...REVERSE_CALL_HEADERS, ...target.clientHeaders(index) };
    while (performance.now() < deadline) {
      const id = nextId++;
      const sent = performance.now();
      let problem: string | undefined;
      try {
        const answer = await pool.request({ path, method: 'POST', headers, body: reverseCallBody(id) });
        problem = checkReverseAnswer(id, answer.statusCode, await answer.body.text());
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (problem === undefined) {
        result.completed++;
        result.latenciesMs.push(performance.now() - sent);
      } else {
        result.errors++;
        if (result.errorSamples.length < 3 && !result.errorSamples.includes(problem)) result.errorSamples.push(problem);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
