import { execFileSync } from 'node:child_process';

/**
 * Keeps the load generator off the core of the server it measures: the servers share the last CPU
 * this process may use (they are measured one at a time), the bench process — its event loop, its
 * libuv and V8 threads — the others, for as long as a module holds the pinning. Without it, on a
 * 2-core machine the generator, the server's main thread and its GC threads take turns on the same
 * cores and a round's rate swings by ±20 % (bench/README.md, "Why two methods disagreed").
 *
 * Linux with util-linux's `taskset` and at least two CPUs; otherwise nothing is pinned and `note`
 * says so. Not responsible for starting servers (server-process.ts takes `cpus`).
 */
export interface CpuPinning {
  /** For spawnServer's `cpus`: the CPU list the servers run on; undefined when not pinned. */
  serverCpus?: string;
  /** One sentence for the report. */
  note: string;
  /** Gives the bench process back the CPUs it had. */
  release(): void;
}

/** The CPUs `taskset -cp` lists for a process ("0-3,6"), expanded. */
function affinityOf(pid: number): number[] {
  const out = execFileSync('taskset', ['-cp', String(pid)], { encoding: 'utf8' });
  const list = out.slice(out.lastIndexOf(':') + 1).trim();
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    return to === undefined ? [from] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

export function pinServersApart(): CpuPinning {
  const unpinned = (why: string): CpuPinning => ({ note: `Not pinned (${why}): the generator and the servers share the CPUs.`, release: () => {} });
  if (process.platform !== 'linux') return unpinned('not Linux');
  let cpus: number[];
  try {
    cpus = affinityOf(process.pid);
  } catch {
    return unpinned('no taskset');
  }
  if (cpus.length < 2) return unpinned('one CPU');
  const server = cpus.at(-1) as number;
  const generator = cpus.slice(0, -1).join(',');
  const all = cpus.join(',');
  // -a: every thread of this process (the libuv pool and V8's helpers), not only the main one.
  execFileSync('taskset', ['-a', '-cp', generator, String(process.pid)], { stdio: 'ignore' });
  return {
    serverCpus: String(server),
    note: `Pinned: each server process (and its GC threads) on CPU ${server}, the load generator on CPU ${generator}; servers are measured one at a time, so none waits for another.`,
    release: () => execFileSync('taskset', ['-a', '-cp', all, String(process.pid)], { stdio: 'ignore' }),
  };
}
