import type { FigureTable } from '../types.js';
import type { LoadResult } from './load.js';
import { type MedianInterval, medianInterval, percentile, round } from './stats.js';

export const LOAD_COLUMNS = ['server', 'clients', 'calls/s (median)', 'rounds min–max', 'p50 ms', 'p99 ms', 'calls', 'errors', 'server CPU', 'CPU ms/call', 'load-gen CPU'];

/** The median of the rounds' rates: one slow round on a shared machine does not drag it. */
export function callsPerSecond(r: LoadResult): number {
  return percentile(r.roundRates, 50);
}

/**
 * a / b as the median of the per-round ratios (round i of `a` ran right next to round i of `b`,
 * so each pair saw the same machine), with a 95 % confidence interval of that median.
 */
export function pairedRatio(a: LoadResult, b: LoadResult): MedianInterval {
  return medianInterval(a.roundRates.map((rate, i) => rate / (b.roundRates[i] as number)));
}

/** One row of LOAD_COLUMNS. CPU is % of one core over the measured time. */
export function loadRow(server: string, clients: number, r: LoadResult): (string | number)[] {
  const cpu = r.serverCpuSeconds;
  return [
    server,
    clients,
    Math.round(callsPerSecond(r)),
    `${Math.round(Math.min(...r.roundRates))}–${Math.round(Math.max(...r.roundRates))}`,
    round(percentile(r.latenciesMs, 50)),
    round(percentile(r.latenciesMs, 99)),
    r.completed,
    r.errors,
    cpu === undefined ? 'n/a' : `${Math.round((100 * cpu) / r.seconds)}%`,
    cpu === undefined || r.completed === 0 ? 'n/a' : round((1000 * cpu) / r.completed, 2),
    `${Math.round((100 * r.loadCpuSeconds) / r.seconds)}%`,
  ];
}

/** A row for a server that could not be measured, saying why. */
export function missingRow(server: string, clients: number, why: string): (string | number)[] {
  return [server, clients, `not measured: ${why}`, ...LOAD_COLUMNS.slice(3).map(() => '')];
}

export function loadTable(title: string, rows: (string | number)[][]): FigureTable {
  return { title, columns: LOAD_COLUMNS, rows };
}

/** Error messages worth a note: a benchmark that silently counted failures would flatter the server. */
export function errorNotes(name: string, r: LoadResult): string[] {
  return r.errors === 0 ? [] : [`${name}: ${r.errors} failed calls, e.g. ${r.errorSamples.join(' | ')}`];
}
