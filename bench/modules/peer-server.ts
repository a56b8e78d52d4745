import { join } from 'node:path';
import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { loadSchedule, measureTargets, type LoadTarget } from '../support/load.js';
import { callsPerSecond, errorNotes, loadRow, loadTable } from '../support/load-table.js';
import { startLocalIssuer } from '../support/local-issuer.js';
import { ensureVenv } from '../support/python-venv.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { bearerHeaders, spawnWarden } from '../support/warden-server.js';

/** Warden vs a Python FastMCP server doing the same work (reverse with progress) behind bearer auth against the same JWKS. */
export const peerServer: BenchModule = {
  name: 'peer-server',
  title: 'Peer server: the same workload against Python FastMCP with bearer auth',
  async run(ctx): Promise<BenchOutcome> {
    ctx.progress('preparing the FastMCP virtualenv (.bench/fastmcp-venv)');
    const venv = await ensureVenv(join(ctx.root, '.bench', 'fastmcp-venv'), ['fastmcp'], 'fastmcp');
    if (!venv.ok) return { status: 'skipped', reason: `no FastMCP to compare with: ${venv.reason}` };

    const { clientCounts, plan } = loadSchedule(ctx.quick);
    const issuer = await startLocalIssuer();
    const servers: ServerProcess[] = [];
    try {
      const warden = await spawnWarden(ctx, 'warden-peer-auth', issuer);
      servers.push(warden);
      const fastmcp = await spawnServer({
        command: venv.python,
        args: [join(ctx.root, 'bench/peer/fastmcp_server.py'), '--jwks-uri', issuer.jwksUri, '--issuer', issuer.issuer, '--audience', issuer.audience],
        env: {},
        logFile: join(ctx.workDir, 'fastmcp.log'),
        startTimeoutMs: 60_000,
      });
      servers.push(fastmcp);

      const tokens = await bearerHeaders(issuer, Math.max(...clientCounts));
      const targets: LoadTarget[] = [
        { name: 'warden', url: warden.url, pid: warden.pid, clientHeaders: (i) => tokens[i] ?? {} },
        { name: 'fastmcp', url: fastmcp.url, pid: fastmcp.pid, clientHeaders: (i) => tokens[i] ?? {} },
      ];
      const rows: (string | number)[][] = [];
      const keyFigures: KeyFigure[] = [];
      const notes: string[] = [];
      for (const clients of clientCounts) {
        ctx.progress(`${clients} clients: ${plan.rounds} interleaved rounds of ${plan.roundMs} ms per server`);
        const results = await measureTargets(targets, { clients, ...plan });
        const w = results.get('warden');
        const f = results.get('fastmcp');
        if (!w || !f) throw new Error('missing load result');
        rows.push(loadRow('Warden (Node), auth', clients, w), loadRow(`FastMCP ${venv.version} (Python), auth`, clients, f));
        keyFigures.push({ label: `Warden / FastMCP calls/s, ${clients} clients`, value: callsPerSecond(w) / callsPerSecond(f), unit: '×', goal: { op: '>=', target: 3 } });
        notes.push(...errorNotes(`Warden, ${clients} clients`, w), ...errorNotes(`FastMCP, ${clients} clients`, f));
      }
      notes.push(
        'Both stateless Streamable HTTP, RS256 tokens checked against the same local JWKS, same raw JSON-RPC requests (2026-07-28) and the same answer check as server-throughput.',
        `FastMCP: bench/peer/fastmcp_server.py (JWTVerifier, uvicorn, one process, access log off); ${venv.installSeconds > 0 ? `virtualenv installed in ${venv.installSeconds.toFixed(0)} s` : 'virtualenv reused'}.`,
      );
      return { status: 'done', figures: [loadTable('reverse calls, Warden vs FastMCP (each server in its own process)', rows)], keyFigures, notes };
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await issuer.close();
    }
  },
};
