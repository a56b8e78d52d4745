import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { haveScript, timeInPty } from '../support/process-timing.js';
import { childEnv } from '../support/signed-in-stack.js';
import { round, summarize, type Summary } from '../support/stats.js';
import { spawnWarden } from '../support/warden-server.js';

/** The chat's first interactive frame, and the status bar once every reachable server listed its tools. */
const FIRST_FRAME = 'Type a message';
const ALL_LISTED = /4\/5 servers · \d+ tools/;
const COLUMNS = ['what', 'runs', 'p50 ms', 'p95 ms', 'min ms'];

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Start-up with five configured MCP servers (2 stdio, 3 HTTP, one of them down) against none:
 * connecting happens after the first frame, so the first frame should not move; and how long
 * until every reachable server's tools are listed.
 */
export const hostStartup: BenchModule = {
  name: 'host-startup',
  title: 'Start-up with 5 configured MCP servers (2 stdio, 3 HTTP, 1 down) vs none: first frame, all tools listed',
  async run(ctx): Promise<BenchOutcome> {
    if (process.platform !== 'linux' || !haveScript()) return { status: 'skipped', reason: 'needs Linux with util-linux `script` for a pseudo-terminal' };
    const runs = ctx.quick ? 3 : 10;
    const dir = join(ctx.workDir, 'host-startup');
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    ctx.progress('two Warden servers (--no-auth) in their own processes');
    const [one, two] = await Promise.all([spawnWarden(ctx, 'host-startup-a'), spawnWarden(ctx, 'host-startup-b')]);
    try {
      const down = `http://127.0.0.1:${await closedPort()}/mcp`;
      const everything = join(ctx.root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
      const configFile = join(dir, 'servers.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          mcpServers: {
            everything1: { command: process.execPath, args: [everything, 'stdio'] },
            everything2: { command: process.execPath, args: [everything, 'stdio'] },
            warden1: { type: 'http', url: one.url },
            warden2: { type: 'http', url: two.url },
            down: { type: 'http', url: down },
          },
        }),
      );
      const env = childEnv(home, { TERM: 'xterm-256color' });
      const cli = `${process.execPath} ${join(ctx.root, 'dist/bundle/cli.js')}`;
      const none: number[] = [];
      const first: number[] = [];
      const listed: number[] = [];
      let failures = 0;
      let lastOutput = '';

      ctx.progress(`1 warm-up round, then ${runs} interleaved rounds: no configured server, 5 configured servers`);
      for (let i = -1; i < runs; i++) {
        // "None": the one-server shortcut to a port where nothing listens, without sign-in.
        const n = await timeInPty({ command: `${cli} --no-auth --server ${down}`, env, cwd: dir, marks: { first: FIRST_FRAME } });
        const f = await timeInPty({ command: `${cli} --mcp-config ${configFile}`, env, cwd: dir, marks: { first: FIRST_FRAME, listed: ALL_LISTED }, timeoutMs: 20_000 });
        if (i < 0) continue;
        if (n.marks.first !== undefined) none.push(n.marks.first);
        if (f.marks.first === undefined || f.marks.listed === undefined) {
          failures++;
          lastOutput = f.output;
          continue;
        }
        first.push(f.marks.first);
        listed.push(f.marks.listed);
      }
      if (first.length === 0 || none.length === 0) throw new Error(`the chat never showed "${FIRST_FRAME}" and "4/5 servers"; last output:\n${lastOutput.slice(-2000)}`);

      const n = summarize(none);
      const f = summarize(first);
      const l = summarize(listed);
      const row = (what: string, s: Summary): (string | number)[] => [what, s.n, round(s.p50), round(s.p95), round(s.min)];
      const keyFigures: KeyFigure[] = [
        { label: 'first frame, 5 servers / none (p50)', value: f.p50 / n.p50, unit: '×', goal: { op: '<=', target: 1.1 } },
        { label: 'start-up to every reachable server listed (4 of 5), p50', value: l.p50 / 1000, unit: 's' },
      ];
      return {
        status: 'done',
        figures: [
          {
            title: `Chat start-up, ${runs} interleaved rounds (ms from spawn)`,
            columns: COLUMNS,
            rows: [
              row('no configured server (--server to a closed port): first frame', n),
              row('5 servers: first interactive frame ("Type a message")', f),
              row('5 servers: status bar "4/5 servers · N tools" (all reachable listed)', l),
            ],
          },
        ],
        keyFigures,
        notes: [
          'Servers: two `server-everything` over stdio (node dist/index.js stdio, started by the chat), two Warden servers (`serve --no-auth`) over HTTP in their own processes, one HTTP URL where nothing listens. The configuration comes with --mcp-config; HOME is a scratch directory, so no user or project file is read.',
          'Each run is the chat in a pseudo-terminal (`script`), timed from spawn to the first output containing the mark; the goal is the same first frame within noise (connecting starts after it).',
          ...(failures > 0 ? [`${failures} runs did not list all reachable servers within 20 s and are left out; last output: ${JSON.stringify(lastOutput.slice(-300))}`] : []),
        ],
      };
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  },
};
