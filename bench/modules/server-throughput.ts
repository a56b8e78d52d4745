import { join } from 'node:path';
import type { BenchContext, BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { loadSchedule, measureTargets, type LoadResult, type LoadTarget } from '../support/load.js';
import { errorNotes, loadRow, loadTable, missingRow, pairedRatio } from '../support/load-table.js';
import { pinServersApart } from '../support/cpu-affinity.js';
import { startLocalIssuer, type LocalIssuer } from '../support/local-issuer.js';
import { ensureVenv } from '../support/python-venv.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { measureVerifyCost } from '../support/verify-cost.js';
import { bearerHeaders, type Placement, spawnWarden, tokensInLog } from '../support/warden-server.js';
import { startOtlpSink } from '../support/otlp-sink.js';
import { describeSpread, round } from '../support/stats.js';
import { spawnSdkPeer } from '../support/sdk-peer.js';

/** The Python peer, or why there is none: a machine without it still measures everything else. */
async function startFastMcp(
  ctx: BenchContext,
  issuer: LocalIssuer,
  cpus: string | undefined,
): Promise<{ server: ServerProcess; version: string; installSeconds: number } | { missing: string }> {
  ctx.progress('preparing the FastMCP virtualenv (.bench/fastmcp-venv)');
  const venv = await ensureVenv(join(ctx.root, '.bench', 'fastmcp-venv'), ['fastmcp'], 'fastmcp');
  if (!venv.ok) return { missing: venv.reason };
  try {
    const server = await spawnServer({
      command: venv.python,
      args: [join(ctx.root, 'bench/peer/fastmcp_server.py'), '--jwks-uri', issuer.jwksUri, '--issuer', issuer.issuer, '--audience', issuer.audience],
      env: {},
      logFile: join(ctx.workDir, 'fastmcp.log'),
      startTimeoutMs: 60_000,
      ...(cpus !== undefined && { cpus }),
    });
    return { server, version: venv.version, installSeconds: venv.installSeconds };
  } catch (error) {
    return { missing: `FastMCP ${venv.version} did not start (${ctx.workDir}/fastmcp.log): ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}

/** `dist/bench/peer/floor-server.js`: bare node:http writing the same SSE answer. */
function spawnFloor(ctx: BenchContext, cpus: string | undefined): Promise<ServerProcess> {
  return spawnServer({
    command: process.execPath,
    args: [join(ctx.root, 'dist/bench/peer/floor-server.js')],
    env: {},
    logFile: join(ctx.workDir, 'floor.log'),
    ...(cpus !== undefined && { cpus }),
  });
}

/** Server CPU microseconds per completed call; undefined without /proc. */
function cpuMicrosPerCall(r: LoadResult): number | undefined {
  return r.serverCpuSeconds === undefined || r.completed === 0 ? undefined : (1e6 * r.serverCpuSeconds) / r.completed;
}

function ratioFigure(label: string, a: LoadResult, b: LoadResult, target: number | undefined): KeyFigure {
  const r = pairedRatio(a, b);
  return {
    label: `${label} (${describeSpread(r, 'pairs')})`,
    value: r.median,
    unit: '×',
    ...(target !== undefined && { goal: { op: '>=', target } }),
  };
}

/** a / b in calls per CPU second of each server: what a round's share of a busy machine's cores does not change. */
function cpuRatioFigure(label: string, a: LoadResult, b: LoadResult): KeyFigure[] {
  if (a.serverCpuSeconds === undefined || b.serverCpuSeconds === undefined) return [];
  return [{ label, value: a.completed / a.serverCpuSeconds / (b.completed / b.serverCpuSeconds), unit: '×' }];
}

/** The paired comparisons (two servers only, many short rounds): how many pairs of how many calls. */
function pairedPlan(quick: boolean, calls: number): { rounds: number; roundCalls: number } {
  return quick ? { rounds: 8, roundCalls: Math.round(calls / 3) } : { rounds: calls >= 1000 ? 30 : 40, roundCalls: calls };
}

/**
 * Warden with and without token verification, the Python FastMCP peer (auth on) and the bare
 * node:http floor, all driven in the same interleaved rounds by one lean load generator; then the
 * ratios with goals measured as pairs of two servers in many short rounds, next to the same
 * measurement of two identical servers (what the method itself gets wrong).
 */
export const serverThroughput: BenchModule = {
  name: 'server-throughput',
  title: 'Server throughput: tools/call reverse (0 ms steps): Warden auth / no-auth, FastMCP, the bare MCP SDK, bare node:http floor',
  async run(ctx): Promise<BenchOutcome> {
    const { clientCounts, plan } = loadSchedule(ctx.quick);
    const issuer = await startLocalIssuer();
    const servers: ServerProcess[] = [];
    const pinning = pinServersApart();
    const cpus = pinning.serverCpus;
    // --candidate: another build measured as "Warden" (the bench's own peers stay this checkout's).
    const here: Placement = { build: ctx.candidate ?? ctx.root, ...(cpus !== undefined && { cpus }) };
    try {
      const auth = await spawnWarden(ctx, 'warden-auth', issuer, {}, here);
      servers.push(auth);
      const open = await spawnWarden(ctx, 'warden-no-auth', undefined, {}, here);
      servers.push(open);
      // The same server again: the paired method measured against itself.
      const twin = await spawnWarden(ctx, 'warden-no-auth-twin', undefined, {}, here);
      servers.push(twin);
      // The same server with OpenTelemetry tracing on, exporting every span (OTLP/protobuf) to a local sink.
      const sink = await startOtlpSink();
      const traced = await spawnWarden(ctx, 'warden-auth-traced', issuer, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_SERVICE_NAME: 'warden-bench' }, here);
      servers.push(traced);
      const floor = await spawnFloor(ctx, cpus);
      servers.push(floor);
      // The same call on the bare SDK, nothing of Warden's: 5 steps, no pause.
      const sdk = await spawnSdkPeer(ctx, 'sdk-peer', 5, 0, cpus);
      servers.push(sdk);
      const fastmcp = await startFastMcp(ctx, issuer, cpus);
      if ('server' in fastmcp) servers.push(fastmcp.server);
      const fastmcpName = 'version' in fastmcp ? `FastMCP ${fastmcp.version} (Python), auth` : 'FastMCP (Python), auth';
      const there: Placement | undefined = ctx.baseline ? { build: ctx.baseline, ...(cpus !== undefined && { cpus }) } : undefined;
      const baseline = there
        ? { auth: await spawnWarden(ctx, 'baseline-auth', issuer, {}, there), open: await spawnWarden(ctx, 'baseline-no-auth', undefined, {}, there) }
        : undefined;
      if (baseline) servers.push(baseline.auth, baseline.open);

      const tokens = await bearerHeaders(issuer, Math.max(8, ...clientCounts));
      const withToken = (i: number): Record<string, string> => tokens[i] ?? {};
      const target = (name: string, server: ServerProcess, clientHeaders: LoadTarget['clientHeaders']): LoadTarget => ({ name, url: server.url, pid: server.pid, clientHeaders });
      const none = (): Record<string, string> => ({});
      const targets: LoadTarget[] = [
        target('auth', auth, withToken),
        target('no-auth', open, none),
        target('auth, traced', traced, withToken),
        ...(baseline ? [target('baseline auth', baseline.auth, withToken), target('baseline no-auth', baseline.open, none)] : []),
        target('floor', floor, none),
        target('bare SDK', sdk, none),
        ...('server' in fastmcp ? [target('fastmcp', fastmcp.server, withToken)] : []),
      ];
      const rows: (string | number)[][] = [];
      const keyFigures: KeyFigure[] = [];
      const notes: string[] = [pinning.note];
      const warmUps: string[] = [];
      for (const clients of clientCounts) {
        ctx.progress(`${clients} clients: ${plan.rounds} interleaved rounds of ${plan.roundMs} ms per server (${targets.map((t) => t.name).join(', ')})`);
        const results = await measureTargets(targets, { clients, ...plan });
        const get = (name: string): LoadResult => {
          const result = results.get(name);
          if (!result) throw new Error(`missing load result for ${name}`);
          return result;
        };
        const [a, o, f, s, t] = [get('auth'), get('no-auth'), get('floor'), get('bare SDK'), get('auth, traced')];
        rows.push(
          loadRow('Warden, auth (JWT/JWKS)', clients, a),
          loadRow('Warden, --no-auth', clients, o),
          loadRow('Warden, auth, tracing on (OTLP to a local sink)', clients, t),
          ...(baseline ? [loadRow('baseline build, auth', clients, get('baseline auth')), loadRow('baseline build, --no-auth', clients, get('baseline no-auth'))] : []),
          loadRow('bare node:http floor (no SDK)', clients, f),
          loadRow('bare MCP SDK server (no auth, no log)', clients, s),
        );
        if ('server' in fastmcp) rows.push(loadRow(fastmcpName, clients, get('fastmcp')));
        else rows.push(missingRow(fastmcpName, clients, fastmcp.missing));
        keyFigures.push(
          ratioFigure(`Warden no-auth / floor, ${clients} clients`, o, f, 0.5),
          ratioFigure(`Warden auth / floor, ${clients} clients`, a, f, undefined),
          ratioFigure(`bare MCP SDK server / floor, ${clients} clients`, s, f, undefined),
          ratioFigure(`Warden no-auth / bare MCP SDK server (what Warden's own layers leave), ${clients} clients`, o, s, undefined),
          ...cpuRatioFigure(`Warden no-auth / floor in calls per CPU second, ${clients} clients`, o, f),
          ...cpuRatioFigure(`Warden no-auth / bare MCP SDK server in calls per CPU second, ${clients} clients`, o, s),
        );
        if ('server' in fastmcp) keyFigures.push(ratioFigure(`Warden auth / FastMCP auth, ${clients} clients`, a, get('fastmcp'), 3));
        for (const t of targets) notes.push(...errorNotes(`${t.name}, ${clients} clients`, get(t.name)));
        if (warmUps.length === 0) warmUps.push(...targets.map((t) => `${t.name} ${get(t.name).warmupSeconds.toFixed(0)} s`));
      }

      // The ratios with goals: two servers at a time, many short rounds in turn A B, B A, … after both
      // have settled, each ratio with the 95 % interval of its median. The twin pair measures the method.
      const paired = async (label: string, a: LoadTarget, b: LoadTarget, calls: number, goal: number | undefined): Promise<[LoadResult, LoadResult]> => {
        const p = pairedPlan(ctx.quick, calls);
        const named = `${label}, rounds of ${p.roundCalls} calls`;
        ctx.progress(`${named}: ${p.rounds} pairs`);
        const results = await measureTargets([a, b], { clients: 8, ...p, roundMs: 120_000, warmupMs: 2000, settleMaxMs: 20_000 });
        const [ra, rb] = [results.get(a.name) as LoadResult, results.get(b.name) as LoadResult];
        keyFigures.push(ratioFigure(named, ra, rb, goal), ...cpuRatioFigure('  the same in calls per CPU second', ra, rb));
        notes.push(...errorNotes(`${named}: ${a.name}`, ra), ...errorNotes(`${named}: ${b.name}`, rb));
        return [ra, rb];
      };
      await paired(
        'the method itself: Warden no-auth / an identical no-auth server, 8 clients',
        target('no-auth', open, none),
        target('no-auth twin', twin, none),
        1500,
        undefined,
      );
      await paired('Warden auth / no-auth, 8 clients with a token each', target('auth', auth, withToken), target('no-auth', open, none), 1500, 0.95);
      // What an independent lean client measured: 8 keep-alive clients sharing one token, rounds of a fixed 600 calls.
      const shared = tokens[0] ?? {};
      await paired(
        'Warden auth / no-auth, lean client: 8 clients, one token',
        target('auth', auth, () => shared),
        target('no-auth', open, none),
        600,
        0.95,
      );
      // Tracing on: the same pairs, and what it costs in server CPU per call.
      const [on, off] = await paired('Warden auth, tracing on / off, 8 clients', target('auth, traced', traced, withToken), target('auth', auth, withToken), 1500, undefined);
      const [onCpu, offCpu] = [cpuMicrosPerCall(on), cpuMicrosPerCall(off)];
      if (onCpu !== undefined && offCpu !== undefined)
        keyFigures.push({ label: 'cost of tracing per call (server CPU, the same pairs)', value: round(onCpu - offCpu, 1), unit: 'µs' });
      if (baseline) {
        // Telemetry off must cost nothing: this build against the one before it.
        await paired('Warden no-auth / baseline build no-auth, 8 clients', target('no-auth', open, none), target('baseline no-auth', baseline.open, none), 1500, 0.97);
        await paired('Warden auth / baseline build auth, 8 clients', target('auth', auth, withToken), target('baseline auth', baseline.auth, withToken), 1500, 0.97);
      }
      notes.push(
        `Tracing on: the same auth server with OTEL_EXPORTER_OTLP_ENDPOINT set, exporting every span (request, token check, tool; OTLP/protobuf, batched) to a local sink that took ${sink.exports()} exports (${Math.round(sink.bytes() / 1024)} KiB); the cost per call is the difference in server CPU per call.`,
        ...(ctx.candidate ? [`Candidate: ${ctx.candidate} (built) is measured as "Warden".`] : []),
        ...(baseline ? [`Baseline: ${ctx.baseline} (built).`] : []),
      );
      await sink.close();

      ctx.progress('token verification cost, in process');
      const cost = await measureVerifyCost(issuer, ctx.quick ? 100 : 500);
      const verifyTable = {
        title: "Warden's token verifier in process (RS256, Entra-shaped claims)",
        columns: ['token', 'µs per verification'],
        rows: [
          ['first use (signature + claims)', Math.round(cost.firstUseMicros)],
          ['seen before (verified-token cache)', Math.round(cost.repeatMicros)],
          ['seen before on the same connection (what a keep-alive client costs per call)', round(cost.sameConnectionMicros, 1)],
        ],
      };
      const leaked = tokensInLog(auth.log(), tokens);
      const logLines = auth
        .log()
        .split('\n')
        .filter((l) => l.includes('"event":"request"')).length;
      notes.push(
        'Load: raw JSON-RPC POSTs (2026-07-28, stateless) from the bench process, one keep-alive TCP connection per client (bench/support/http1-connection.ts), each client with its own Entra-sized token (~1.5 KB: the claims Entra v2 access tokens carry); every SSE answer is parsed and checked (5 progress notifications in order, then the reversed text).',
        `Table: rounds interleave the servers (${targets.map((t) => t.name).join(', ')}, then the same backwards, and so on); calls/s is the median of ${plan.rounds} rounds of ${plan.roundMs / 1000} s after each server's warm-up (at least ${plan.warmupMs / 1000} s, then until two 1 s windows agree within 5 %, at most ${(plan.settleMaxMs ?? plan.warmupMs) / 1000} s; it took ${warmUps.join(', ')}); a ratio is the median of the per-round ratios (round i of one server next to round i of the other) with their range.`,
        'Ratios with goals: two servers at a time in many short rounds (A B, B A, …, a fixed number of calls each), each ratio the median of the pairs with the 95 % confidence interval of that median (binomial ranks). "The method itself" does the same with two identical servers: how far from 1.00 the method lands when nothing differs.',
        `Server log (one JSON line per request): ${logLines} request lines, ${leaked === 0 ? 'no token in it' : `${leaked} tokens found in it`}.`,
        'A client repeats its token on every call over its keep-alive connection, so under load the server checks each signature once and then recognises the token its connection sent before (see the verifier table for the three costs).',
        "The bare MCP SDK server: bench/peer/sdk-server.ts (McpServer + createMcpHandler + toNodeHandler, the same reverse tool and answer, no auth, no log, no Host/Origin checks): what the SDK itself allows for this call. Warden no-auth / it is what Warden's own layers (Host/Origin checks, body limit, the access log, its bridge to the SDK) leave of that.",
        'server' in fastmcp
          ? `FastMCP: bench/peer/fastmcp_server.py (JWTVerifier against the same JWKS, uvicorn, one process, access log off); ${fastmcp.installSeconds > 0 ? `virtualenv installed in ${fastmcp.installSeconds.toFixed(0)} s` : 'virtualenv reused'}.`
          : `FastMCP not measured: ${fastmcp.missing}.`,
      );
      return { status: 'done', figures: [loadTable('reverse calls (each server in its own process)', rows), verifyTable], keyFigures, notes };
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await issuer.close();
      pinning.release();
    }
  },
};
