/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
 * test/conformance/runtime) against Warden as a client: its core client suite, the scenarios an
 * SDK's client must pass for tier 1 (initialize, a tool call, elicitation defaults, SSE
 * reconnection, and the whole auth suite: metadata discovery variants, client ID metadata
 * documents, scope selection and step-up, token endpoint authentication, pre-registration), each
 * run on its own so the client's exit counts too. The suite starts each scenario's
 * servers and runs Warden's conformance client (test/conformance/client.ts: the chat's engine,
 * host and sign-in with a script at the keyboard), then judges what reached them; a scenario
 * passes when none of its checks fails or warns and the client ended as the scenario expects.
 *
 * The suite needs Node ≥ 22: scripts/conformance-runtime.mjs installs it with a Node 22 binary
 * from the npm registry apart from Warden's tree (.ci/run does so before the tests); Warden's
 * client runs on the project's own Node. Not run: the 2025-03-26 back-compat scenarios (servers
 * without RFC 9728 metadata, which Warden does not sign in to), the extensions (OAuth client
 * credentials, cross-app access), which Warden does not implement, and the draft scenarios (not
 * scored; they passed when tried: resource-mismatch, offline-access-scope, offline-access-not-supported).
 */
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `conformance client --suite core` of 0.1.16, one by one. */
const SCENARIOS = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
];
/** Scenarios at once: each is the suite's Node plus Warden's, and the machine has two cores. */
const CONCURRENCY = 3;
/** The suite's limit on one client run (its default of 30 s is tight on a loaded machine). */
const CLIENT_TIMEOUT_MS = 60_000;

interface Check {
  id: string;
  name: string;
  description: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

interface Outcome {
  exitCode: number | null;
  /** Checks that failed or warned, one line each. */
  problems: string[];
  /** The suite's own summary and what the client said, for a failure's message. */
  output: string;
}

let work: string;
const outcomes = new Map<string, Outcome>();

/** The suite and Node 22, installed once (scripts/conformance-runtime.mjs). */
function conformanceRuntime(): { node: string; conformance: string } {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'conformance-runtime.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out) as { node: string; conformance: string };
}

/** Warden's conformance client as one module; its packages stay Warden's own (node_modules). */
async function bundleClient(): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'warden-conformance-client', 'client.mjs');
  await build({
    entryPoints: [join(ROOT, 'test', 'conformance', 'client.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

/** Every checks.json under `dir` (the suite writes `<dir>/<scenario>-<time>/checks.json`). */
function checksIn(dir: string): Check[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('checks.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Check[]);
}

async function runScenario(runtime: { node: string; conformance: string }, client: string, scenario: string): Promise<Outcome> {
  const results = join(work, scenario.replace(/\//g, '_'));
  // The suite splits the command at spaces and runs it in a shell: quoted paths survive both.
  const command = `"${process.execPath}" "${client}"`;
  const child = spawn(
    runtime.node,
    [runtime.conformance, 'client', '--command', command, '--scenario', scenario, '--timeout', String(CLIENT_TIMEOUT_MS), '-o', results],
    // Nothing of the developer's environment: the client makes its own home and token store.
    { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  const problems = checksIn(results)
    .filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
    .map((c) => `${c.status} ${c.id}: ${c.errorMessage ?? c.description}`);
  return { exitCode, problems, output };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
  const runtime = conformanceRuntime();
  const client = await bundleClient();
  const queue = [...SCENARIOS];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) outcomes.set(scenario, await runScenario(runtime, client, scenario));
    }),
  );
  // Installing the suite on a fresh machine takes a minute or two; the scenarios about as long.
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the official MCP conformance suite (client scenarios) against Warden', () => {
  it.each(SCENARIOS)('%s', (scenario) => {
    const outcome = outcomes.get(scenario);
    expect(outcome, `${scenario} did not run`).toBeDefined();
    const report = `${scenario}: exit ${outcome?.exitCode}\n${outcome?.problems.join('\n')}\n--- suite output ---\n${outcome?.output.slice(-4000)}`;
    expect(outcome?.problems, report).toEqual([]);
    expect(outcome?.exitCode, report).toBe(0);
  });
});
