import { performance } from 'node:perf_hooks';
import { ownCpuSeconds, processCpuSeconds } from './cpu.js';
import { Http1Connection } from './http1-connection.js';
import { checkReverseAnswer, REVERSE_CALL_HEADERS, reverseCallBody } from './reverse-call.js';

/** A server under load: where it listens, its process (for CPU time) and each client's extra headers (its token). */
export interface LoadTarget {
  name: string;
  url: string;
  pid: number;
  clientHeaders(client: number): Record<string, string>;
}

/** Totals over every measured round of one target, and each round's rate. */
export interface LoadResult {
  completed: number;
  errors: number;
  /** The first few distinct error messages. */
  errorSamples: string[];
  latenciesMs: number[];
  seconds: number;
  /** Completed calls per second in each measured round, in round order (paired across targets by index). */
  roundRates: number[];
  /** CPU seconds the server process used while measured; undefined without /proc. */
  serverCpuSeconds?: number;
  /** CPU seconds the load generator (this process) used while measured. */
  loadCpuSeconds: number;
  /** Seconds of unmeasured warm-up this target had before its rounds. */
  warmupSeconds: number;
}

export interface LoadPlan {
  /** Concurrent clients, each with its own keep-alive connection and token, sending one call after another. */
  clients: number;
  /**
   * Rounds alternate between the targets, in turn forward and backward (A B C, C B A, …), so drift on a
   * shared machine, and whatever going first or last does to a round, hits all targets alike.
   */
  rounds: number;
  roundMs: number;
  /** A round ends after this many calls instead of after `roundMs` (all clients together). */
  roundCalls?: number;
  /** Unmeasured traffic per target first (JIT, JWKS fetch, connection set-up): at least this long. */
  warmupMs: number;
  /**
   * Then on in 1 s windows until two in a row agree within 5 %, for at most this long in all: a
   * server's rate climbs for 8–10 s of traffic before it settles (JIT tiers), so a fixed short
   * warm-up leaves the first rounds on the climb. Unset = `warmupMs` only.
   */
  settleMaxMs?: number;
}

const SETTLE_WINDOW_MS = 1000;
const SETTLE_TOLERANCE = 0.05;

/**
 * The client counts and rounds of the throughput table. The servers' rates climb for 8–10 s of
 * traffic before they settle (JIT tiers), hence the warm-up until settled; quick mode is a smoke
 * run whose ratios lean against the server that warms up slower.
 */
export function loadSchedule(quick: boolean): { clientCounts: number[]; plan: Omit<LoadPlan, 'clients'> } {
  return quick
    ? { clientCounts: [32], plan: { rounds: 2, roundMs: 1000, warmupMs: 1000, settleMaxMs: 4000 } }
    : { clientCounts: [8, 32], plan: { rounds: 5, roundMs: 2000, warmupMs: 3000, settleMaxMs: 20_000 } };
}

/**
 * Drives `reverse` calls (raw JSON-RPC POSTs, one keep-alive connection per client, every answer
 * parsed and checked) against each target in interleaved timed rounds.
 */
export async function measureTargets(targets: LoadTarget[], plan: LoadPlan): Promise<Map<string, LoadResult>> {
  const connections = new Map(targets.map((t) => [t.name, openConnections(t, plan.clients)]));
  const results = new Map<string, LoadResult>(
    targets.map((t) => [
      t.name,
      { completed: 0, errors: 0, errorSamples: [], latenciesMs: [], seconds: 0, roundRates: [], loadCpuSeconds: 0, serverCpuSeconds: 0, warmupSeconds: 0 },
    ]),
  );
  try {
    for (const t of targets) (results.get(t.name) as LoadResult).warmupSeconds = await warmUp(t, connections.get(t.name) as Http1Connection[], plan);
    for (let round = 0; round < plan.rounds; round++) {
      for (const t of round % 2 === 0 ? targets : targets.toReversed()) {
        const total = results.get(t.name) as LoadResult;
        const serverBefore = processCpuSeconds(t.pid);
        const loadBefore = ownCpuSeconds();
        const sample = await drive(t, connections.get(t.name) as Http1Connection[], plan.roundMs, plan.roundCalls);
        const serverAfter = processCpuSeconds(t.pid);
        total.loadCpuSeconds += ownCpuSeconds() - loadBefore;
        if (serverBefore === undefined || serverAfter === undefined) delete total.serverCpuSeconds;
        else if (total.serverCpuSeconds !== undefined) total.serverCpuSeconds += serverAfter - serverBefore;
        total.completed += sample.completed;
        total.errors += sample.errors;
        total.seconds += sample.seconds;
        total.roundRates.push(sample.completed / sample.seconds);
        for (const l of sample.latenciesMs) total.latenciesMs.push(l);
        for (const e of sample.errorSamples) if (total.errorSamples.length < 3 && !total.errorSamples.includes(e)) total.errorSamples.push(e);
      }
    }
  } finally {
    for (const list of connections.values()) for (const c of list) c.close();
  }
  return results;
}

/** Drives `target` unmeasured until its rate has settled (see LoadPlan); resolves with the seconds it took. */
async function warmUp(target: LoadTarget, connections: Http1Connection[], plan: LoadPlan): Promise<number> {
  const started = performance.now();
  await drive(target, connections, plan.warmupMs);
  let previous: number | undefined;
  while (plan.settleMaxMs !== undefined && performance.now() - started + SETTLE_WINDOW_MS <= plan.settleMaxMs) {
    const window = await drive(target, connections, SETTLE_WINDOW_MS);
    const rate = window.completed / window.seconds;
    if (previous !== undefined && Math.abs(rate / previous - 1) <= SETTLE_TOLERANCE) break;
    previous = rate;
  }
  return (performance.now() - started) / 1000;
}

interface Client {
  connection: Http1Connection;
  head: string;
}

function openConnections(target: LoadTarget, clients: number): Http1Connection[] {
  const { hostname, port } = new URL(target.url);
  return Array.from({ length: clients }, () => new Http1Connection(hostname, Number(port)));
}

/** Each client's request line and headers, written once: only the body changes from call to call. */
function requestHead(target: LoadTarget, client: number): string {
  const url = new URL(target.url);
  const headers = { host: url.host, ...REVERSE_CALL_HEADERS, ...target.clientHeaders(client) };
  return `POST ${url.pathname} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}`;
}

/** Every client calling, one call after another, until `ms` have passed since the start (or, with `calls`, that many calls were sent). */
async function drive(target: LoadTarget, connections: Http1Connection[], ms: number, calls?: number): Promise<Omit<LoadResult, 'roundRates' | 'warmupSeconds'>> {
  const result: Omit<LoadResult, 'roundRates' | 'warmupSeconds'> = { completed: 0, errors: 0, errorSamples: [], latenciesMs: [], seconds: 0, loadCpuSeconds: 0 };
  const started = performance.now();
  const deadline = started + ms;
  let nextId = 1;
  const more = calls === undefined ? () => performance.now() < deadline : () => nextId <= calls;
  const run = async ({ connection, head }: Client): Promise<void> => {
    while (more()) {
      const id = nextId++;
      const sent = performance.now();
      let problem: string | undefined;
      try {
        const answer = await connection.post(head, reverseCallBody(id));
        problem = checkReverseAnswer(id, answer.status, answer.body);
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
  await Promise.all(connections.map((connection, i) => run({ connection, head: requestHead(target, i) })));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
