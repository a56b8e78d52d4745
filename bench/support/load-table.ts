import type { FigureTable } from '../types.js';
import type { LoadResult } from './load.js';
import { percentile } from './stats.js';

export const LOAD_COLUMNS = ['server', 'clients', 'calls/s', 'p50 ms', 'p99 ms', 'calls', 'errors', 'server CPU', 'CPU ms/call', 'load-gen CPU'];

export function callsPerSecond(r: LoadResult): number {
  return r.completed / r.seconds;
}

/** One row of LOAD_COLUMNS. CPU is % of one core over the measured time. */
export function loadRow(server: string, clients: number, r: LoadResult): (string | number)[] {
  const cpu = r.serverCpuSeconds;
  return [
    server,
    clients,
    Math.round(callsPerSecond(r)),
    round(percentile(r.latenciesMs, 50)),
    round(percentile(r.latenciesMs, 99)),
    r.completed,
    r.errors,
    cpu === undefined ? 'n/a' : `${Math.round((100 * cpu) / r.seconds)}%`,
    cpu === undefined || r.completed === 0 ? 'n/a' : round((1000 * cpu) / r.completed, 2),
    `${Math.round((100 * r.loadCpuSeconds) / r.seconds)}%`,
  ];
}

export function loadTable(title: string, rows: (string | number)[][]): FigureTable {
  return { title, columns: LOAD_COLUMNS, rows };
}

/** Error messages worth a note: a benchmark that silently counted failures would flatter the server. */
export function errorNotes(name: string, r: LoadResult): string[] {
  return r.errors === 0 ? [] : [`${name}: ${r.errors} failed calls, e.g. ${r.errorSamples.join(' | ')}`];
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
