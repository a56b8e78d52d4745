import { join } from 'node:path';
import type { BenchContext, BenchModule, BenchOutcome, KeyFigure } from '../types.js';
import { loadSchedule, measureTargets, type LoadResult, type LoadTarget } from '../support/load.js';
import { errorNotes, loadRow, loadTable, missingRow, pairedRatio } from '../support/load-table.js';
import { startLocalIssuer, type LocalIssuer } from '../support/local-issuer.js';
import { ensureVenv } from '../support/python-venv.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { measureVerifyCost } from '../support/verify-cost.js';
import { bearerHeaders, spawnWarden, tokensInLog } from '../support/warden-server.js';
import { startOtlpSink } from '../support/otlp-sink.js';
import { round } from '../support/stats.js';
import { spawnSdkPeer } from '../support/sdk-peer.js';

/** The Python peer, or why there is none: a machine without it still measures everything else. */
async function startFastMcp(ctx: BenchContext, issuer: LocalIssuer): Promise<{ server: ServerProcess; version: string; installSeconds: number } | { missing: string }> {
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
    });
    return { server, version: venv.version, installSeconds: venv.installSeconds };
  } catch (error) {
    return { missing: `FastMCP ${venv.version} did not start (${ctx.workDir}/fastmcp.log): ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}

/** `dist/bench/peer/floor-server.js`: bare node:http writing the same SSE answer. */
function spawnFloor(ctx: BenchContext): Promise<ServerProcess> {
  return spawnServer({ command: process.execPath, args: [join(ctx.root, 'dist/bench/peer/floor-server.js')], env: {}, logFile: join(ctx.workDir, 'floor.log') });
}

/** `node <baseline>/dist/agent/cli.js serve`: the same server from another built checkout (--baseline). */
function spawnBaseline(ctx: BenchContext, baseline: string, name: string, issuer?: LocalIssuer): Promise<ServerProcess> {
  return spawnServer({
    command: process.execPath,
    args: [join(baseline, 'dist/agent/cli.js'), 'serve', '--port', '0', ...(issuer ? [] : ['--no-auth'])],
    env: { REVERSE_STEP_MS: '0', ...issuer?.wardenEnv },
    logFile: join(ctx.workDir, `${name}.log`),
  });
}

/** Server CPU microseconds per completed call; undefined without /proc. */
function cpuMicrosPerCall(r: LoadResult): number | undefined {
  return r.serverCpuSeconds === undefined || r.completed === 0 ? undefined : (1e6 * r.serverCpuSeconds) / r.completed;
}

function ratioFigure(label: string, a: LoadResult, b: LoadResult, target: number | undefined): KeyFigure {
  const r = pairedRatio(a, b);
  return {
    label: `${label} (rounds ${r.min.toFixed(2)}–${r.max.toFixed(2)})`,
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

/**
 * Warden with and without token verification, the Python FastMCP peer (auth on) and the bare
 * node:http floor, all driven in the same interleaved rounds by one lean load generator.
 */
export const serverThroughput: BenchModule = {
  name: 'server-throughput',
  title: 'Server throughput: tools/call reverse (0 ms steps): Warden auth / no-auth, FastMCP, the bare MCP SDK, bare node:http floor',
  async run(ctx): Promise<BenchOutcome> {
    const { clientCounts, plan } = loadSchedule(ctx.quick);
    const issuer = await startLocalIssuer();
    const servers: ServerProcess[] = [];
    try {
      const auth = await spawnWarden(ctx, 'warden-auth', issuer);
      servers.push(auth);
      const open = await spawnWarden(ctx, 'warden-no-auth');
      servers.push(open);
      // The same server with OpenTelemetry tracing on, exporting every span (OTLP/protobuf) to a local sink.
      const sink = await startOtlpSink();
      const traced = await spawnWarden(ctx, 'warden-auth-traced', issuer, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_SERVICE_NAME: 'warden-bench' });
      servers.push(traced);
      const floor = await spawnFloor(ctx);
      servers.push(floor);
      // The same call on the bare SDK, nothing of Warden's: 5 steps, no pause.
      const sdk = await spawnSdkPeer(ctx, 'sdk-peer', 5, 0);
      servers.push(sdk);
      const fastmcp = await startFastMcp(ctx, issuer);
      if ('server' in fastmcp) servers.push(fastmcp.server);
      const fastmcpName = 'version' in fastmcp ? `FastMCP ${fastmcp.version} (Python), auth` : 'FastMCP (Python), auth';
      const baseline = ctx.baseline
        ? { auth: await spawnBaseline(ctx, ctx.baseline, 'baseline-auth', issuer), open: await spawnBaseline(ctx, ctx.baseline, 'baseline-no-auth') }
        : undefined;
      if (baseline) servers.push(baseline.auth, baseline.open);

      const tokens = await bearerHeaders(issuer, Math.max(...clientCounts));
      const withToken = (i: number): Record<string, string> => tokens[i] ?? {};
      const targets: LoadTarget[] = [
        { name: 'auth', url: auth.url, pid: auth.pid, clientHeaders: withToken },
        { name: 'no-auth', url: open.url, pid: open.pid, clientHeaders: () => ({}) },
        { name: 'auth, traced', url: traced.url, pid: traced.pid, clientHeaders: withToken },
        ...(baseline
          ? [
              { name: 'baseline auth', url: baseline.auth.url, pid: baseline.auth.pid, clientHeaders: withToken },
              { name: 'baseline no-auth', url: baseline.open.url, pid: baseline.open.pid, clientHeaders: () => ({}) },
            ]
          : []),
        { name: 'floor', url: floor.url, pid: floor.pid, clientHeaders: () => ({}) },
        { name: 'bare SDK', url: sdk.url, pid: sdk.pid, clientHeaders: () => ({}) },
        ...('server' in fastmcp ? [{ name: 'fastmcp', url: fastmcp.server.url, pid: fastmcp.server.pid, clientHeaders: withToken }] : []),
      ];
      const rows: (string | number)[][] = [];
      const keyFigures: KeyFigure[] = [];
      const notes: string[] = [];
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
          ratioFigure(`Warden auth / no-auth, ${clients} clients`, a, o, 0.95),
          ...cpuRatioFigure(`Warden no-auth / floor in calls per CPU second, ${clients} clients`, o, f),
          ...cpuRatioFigure(`Warden no-auth / bare MCP SDK server in calls per CPU second, ${clients} clients`, o, s),
          ...cpuRatioFigure(`Warden auth / no-auth in calls per CPU second, ${clients} clients`, a, o),
        );
        if ('server' in fastmcp) keyFigures.push(ratioFigure(`Warden auth / FastMCP auth, ${clients} clients`, a, get('fastmcp'), 3));
        keyFigures.push(ratioFigure(`Warden auth, tracing on / off, ${clients} clients`, t, a, undefined));
        const [tracedCpu, plainCpu] = [cpuMicrosPerCall(t), cpuMicrosPerCall(a)];
        if (tracedCpu !== undefined && plainCpu !== undefined)
          keyFigures.push({ label: `cost of tracing per call (server CPU), ${clients} clients`, value: round(tracedCpu - plainCpu, 1), unit: 'µs' });
        if (baseline) {
          // Telemetry off must cost nothing: this build against the one before it, same rounds.
          keyFigures.push(ratioFigure(`Warden auth / baseline build, ${clients} clients`, a, get('baseline auth'), 0.97));
          keyFigures.push(ratioFigure(`Warden no-auth / baseline build, ${clients} clients`, o, get('baseline no-auth'), 0.97));
          keyFigures.push(...cpuRatioFigure(`Warden auth / baseline build in calls per CPU second, ${clients} clients`, a, get('baseline auth')));
        }
        for (const t of targets) notes.push(...errorNotes(`${t.name}, ${clients} clients`, get(t.name)));
      }

      // What an independent lean client measures (8 keep-alive clients sharing one token, rounds of a
      // fixed 600 calls, auth and no-auth alternating in both orders): the same ratio, measured another way.
      ctx.progress('auth / no-auth as a lean client with one shared token measures it: 8 clients, rounds of 600 calls');
      const shared = tokens[0] ?? {};
      const lean = await measureTargets(
        [
          { name: 'auth', url: auth.url, pid: auth.pid, clientHeaders: () => shared },
          { name: 'no-auth', url: open.url, pid: open.pid, clientHeaders: () => ({}) },
        ],
        { clients: 8, rounds: ctx.quick ? 4 : 12, roundMs: 60_000, roundCalls: 600, warmupMs: ctx.quick ? 500 : 2000 },
      );
      const [leanAuth, leanOpen] = [lean.get('auth') as LoadResult, lean.get('no-auth') as LoadResult];
      keyFigures.push(ratioFigure('Warden auth / no-auth, lean client: 8 clients, one token, rounds of 600 calls', leanAuth, leanOpen, 0.95));
      keyFigures.push(...cpuRatioFigure('the same in calls per CPU second', leanAuth, leanOpen));
      notes.push(...errorNotes('lean client, auth', leanAuth), ...errorNotes('lean client, no-auth', leanOpen));
      notes.push(
        `Tracing on: the same auth server with OTEL_EXPORTER_OTLP_ENDPOINT set, exporting every span (request, token check, tool; OTLP/protobuf, batched) to a local sink that took ${sink.exports()} exports (${Math.round(sink.bytes() / 1024)} KiB); the cost per call is the difference in server CPU per call.`,
        ...(baseline ? [`Baseline: ${ctx.baseline} (built), its auth and no-auth servers measured in the same interleaved rounds.`] : []),
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
        `Rounds interleave the servers (${targets.map((t) => t.name).join(', ')}, then the same backwards, and so on); calls/s is the median of ${plan.rounds} rounds of ${plan.roundMs / 1000} s after ${plan.warmupMs / 1000} s of warm-up each; a ratio is the median of the per-round ratios (round i of one server next to round i of the other) with their range.`,
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
    }
  },
};
