import type { BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { loadSchedule, measureTargets, type LoadTarget } from '../support/load.js';
import { callsPerSecond, errorNotes, loadRow, loadTable } from '../support/load-table.js';
import { startLocalIssuer } from '../support/local-issuer.js';
import { measureVerifyCost } from '../support/verify-cost.js';
import { bearerHeaders, spawnWarden, tokensInLog } from '../support/warden-server.js';

/** Warden with token verification on every call vs the same server with --no-auth. */
export const serverThroughput: BenchModule = {
  name: 'server-throughput',
  title: 'Server throughput: tools/call reverse (0 ms steps), auth on vs --no-auth',
  async run(ctx): Promise<BenchOutcome> {
    const { clientCounts, plan } = loadSchedule(ctx.quick);
    const issuer = await startLocalIssuer();
    const auth = await spawnWarden(ctx, 'warden-auth', issuer);
    const open = await spawnWarden(ctx, 'warden-no-auth');
    try {
      const tokens = await bearerHeaders(issuer, Math.max(...clientCounts));
      const authTarget: LoadTarget = { name: 'auth', url: auth.url, pid: auth.pid, clientHeaders: (i) => tokens[i] ?? {} };
      const openTarget: LoadTarget = { name: 'no-auth', url: open.url, pid: open.pid, clientHeaders: () => ({}) };
      const rows: (string | number)[][] = [];
      const keyFigures: KeyFigure[] = [];
      const notes: string[] = [];
      for (const clients of clientCounts) {
        ctx.progress(`${clients} clients: ${plan.rounds} interleaved rounds of ${plan.roundMs} ms per server`);
        const results = await measureTargets([authTarget, openTarget], { clients, ...plan });
        const withAuth = results.get('auth');
        const without = results.get('no-auth');
        if (!withAuth || !without) throw new Error('missing load result');
        rows.push(loadRow('Warden, auth (JWT/JWKS)', clients, withAuth), loadRow('Warden, --no-auth', clients, without));
        keyFigures.push({ label: `auth / no-auth calls/s, ${clients} clients`, value: callsPerSecond(withAuth) / callsPerSecond(without), unit: '×', goal: { op: '>=', target: 0.9 } });
        notes.push(...errorNotes(`auth, ${clients} clients`, withAuth), ...errorNotes(`no-auth, ${clients} clients`, without));
      }
      ctx.progress('token verification cost, in process');
      const cost = await measureVerifyCost(issuer, ctx.quick ? 100 : 500);
      const verifyTable = {
        title: "Warden's token verifier in process (RS256, Entra-shaped claims)",
        columns: ['token', 'µs per verification'],
        rows: [
          ['first use (signature + claims)', Math.round(cost.firstUseMicros)],
          ['seen before (verified-token cache)', Math.round(cost.repeatMicros)],
        ],
      };
      const leaked = tokensInLog(auth.log(), tokens);
      const logLines = auth.log().split('\n').filter((l) => l.includes('"event":"request"')).length;
      notes.push(
        'Load: raw JSON-RPC POSTs (2026-07-28, stateless) over undici keep-alive connections from the bench process; each client has its own token; every SSE answer is parsed and checked (5 progress notifications in order, then the reversed text).',
        `Server log (one JSON line per request): ${logLines} request lines, ${leaked === 0 ? 'no token in it' : `${leaked} tokens found in it`}.`,
      );
      notes.push('A client repeats its token on every call, so under load the server checks each signature once and then hits its verified-token cache (see the verifier table for both costs).');
      return { status: 'done', figures: [loadTable('reverse calls against Warden (server in its own process)', rows), verifyTable], keyFigures, notes };
    } finally {
      await Promise.all([auth.stop(), open.stop()]);
      await issuer.close();
    }
  },
};
