import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { writeClaudeJson, writeUserServers } from '../helpers/config-dirs.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

/**
 * A Claude Code user's set-up, as they bring it: servers in Claude Code's own ~/.claude.json
 * (its user scope and its local scope for this directory), a server whose `${VAR}` is not set,
 * a slow server, and the command-line habits around them (`--server`, `status --mcp-config`).
 */

const ENV_SERVER = fileURLToPath(new URL('../fixtures/stdio/env-server.mjs', import.meta.url));

let root: string;
let home: string;
let project: string;
let warden: TestServer;
let claude: FakeAnthropic;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'warden-claude-compat-'));
  home = join(root, 'home');
  project = join(root, 'project');
  await mkdir(project, { recursive: true });
  [warden, claude] = await Promise.all([startTestServer({ REVERSE_STEP_MS: '0' }, { noAuth: true }), startFakeAnthropic()]);
  await writeClaudeJson(home, {
    user: { weather: { type: 'http', url: warden.server.url } },
    local: { [project]: { envy: { type: 'stdio', command: process.execPath, args: [ENV_SERVER], env: { FROM_CLAUDE: 'local scope' } } } },
  });
  await writeUserServers(home, { mcpServers: { tickets: { url: 'https://tickets.example/mcp', headers: { Authorization: 'Bearer ${TICKETS_API_KEY}' } } } });
});
afterAll(async () => {
  await Promise.all([warden.server.close(), claude.close()]);
  await rm(root, { recursive: true, force: true });
});

const run = async (args: string[], env: Record<string, string> = {}) => {
  const cli = startCli(args, { cwd: project, env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, ...env } });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
};

describe("Claude Code's ~/.claude.json and a ${VAR} that is not set", () => {
  it('mcp list labels servers with their Claude Code scope; the server missing its variable names it, and the others connect', async () => {
    const list = await run(['mcp', 'list']);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe('');
    const rows = Object.fromEntries(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split(/\s+/)[0], line]),
    );
    expect(rows.weather).toMatch(/^weather\s+claude user\s+http\s+http:\/\/127\.0\.0\.1:\d+\/mcp\s+✓ connected · 3 tools$/);
    expect(rows.envy).toMatch(/^envy\s+claude local\s+stdio\s+node \S+\s+✓ connected · 2 tools$/);
    expect(rows.tickets).toMatch(
      /^tickets\s+user\s+http\s+https:\/\/tickets\.example\/mcp\s+✗ \$\{TICKETS_API_KEY\} is not set \(used in its headers\.Authorization; set it, or give a default: \$\{TICKETS_API_KEY:-value\}\)$/,
    );

    const get = await run(['mcp', 'get', 'envy']);
    expect(get.stdout).toContain('scope:     claude local');
    const remove = await run(['mcp', 'remove', 'weather']);
    expect(remove.code).toBe(1);
    expect(remove.stderr).toContain("it comes from Claude Code's");
  });

  it('-p uses the servers from ~/.claude.json; the one missing its variable is one line and the turn goes on', async () => {
    claude.enqueue(
      toolUse([
        { id: 'toolu_r', name: 'weather__reverse', input: { text: 'abc' } },
        { id: 'toolu_e', name: 'envy__env', input: {} },
      ]),
      (request) => {
        const [reversed, env] = toolResults(request).map((r) => String(r.content));
        return text(`${reversed} / ${(JSON.parse(env ?? '{}') as Record<string, string>).FROM_CLAUDE}`)(request);
      },
    );
    const result = await run(['-p', 'go', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('cba / local scope\n');
    expect(result.stderr).toContain('warden: server "tickets" is unavailable, its tools are left out: ${TICKETS_API_KEY} is not set');
  });
});

describe('the servers a turn uses are the ones the command line names', () => {
  it('-p --server URL that is down fails with one line (exit 1) instead of answering from the other servers', async () => {
    const down = `http://127.0.0.1:${await freePort()}/mcp`;
    const result = await run(['-p', 'reverse abc', '--yes', '--server', down]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const problems = result.stderr.split('\n').filter((l) => l.startsWith('warden: ') && !l.includes('"tickets"'));
    expect(problems).toEqual([`warden: the server you named with --server (${down}) is unavailable: cannot reach the MCP server at ${down} (connection refused)`]);
    expect(claude.requests.filter((r) => JSON.stringify(r.body).includes('reverse abc'))).toEqual([]);
  });

  it('-p --mcp-config FILE whose server is down fails with one line naming the server and the file (exit 1)', async () => {
    const down = `http://127.0.0.1:${await freePort()}/mcp`;
    const file = join(root, 'named.json');
    await writeFile(file, JSON.stringify({ mcpServers: { gone: { type: 'http', url: down } } }));
    const asked = claude.requests.length;
    const result = await run(['-p', 'reverse abc', '--yes', '--mcp-config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((l) => l.startsWith('warden: '))).toEqual([
      `warden: server "gone", which you named with --mcp-config ${file}, is unavailable: cannot reach the MCP server at ${down} (connection refused)`,
    ]);
    expect(claude.requests).toHaveLength(asked);
  });

  it("-p --mcp-config FILE --strict-mcp-config uses that file's servers only, as in Claude Code; without --mcp-config it is one line (exit 2)", async () => {
    const file = join(root, 'only.json');
    await writeFile(file, JSON.stringify({ mcpServers: { only: { type: 'http', url: warden.server.url } } }));
    claude.enqueue(text('just one'));
    const asked = claude.requests.length;
    const result = await run(['-p', 'which tools?', '--mcp-config', file, '--strict-mcp-config']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('just one\n');
    // Neither ~/.claude.json's servers nor the user's file (its unavailable "tickets" says nothing).
    expect(result.stderr).toBe('');
    expect(claude.requests[asked]?.body.tools?.map((t) => t.name).sort()).toEqual(['only__get_alerts', 'only__get_forecast', 'only__reverse']);

    const alone = await run(['-p', 'hi', '--strict-mcp-config']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^warden: --strict-mcp-config uses only the servers of --mcp-config FILE \(or --server URL\): give one/);
  });

  it('the print-mode flags of Claude Code scripts: --output-format stream-json --verbose --max-turns N', async () => {
    const file = join(root, 'only-turns.json');
    await writeFile(file, JSON.stringify({ mcpServers: { only: { type: 'http', url: warden.server.url } } }));
    claude.enqueue(toolUse([{ id: 'toolu_t1', name: 'only__reverse', input: { text: 'abc' } }]));
    const asked = claude.requests.length;
    const result = await run(['-p', 'again and again', '--yes', '--mcp-config', file, '--strict-mcp-config', '--output-format', 'stream-json', '--verbose', '--max-turns', '1']);
    expect(result.code).toBe(1);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; stopReason?: string });
    expect(events.at(-1)).toMatchObject({ type: 'result', stopReason: 'turn_limit' });
    expect(result.stderr).toContain('warden: stopped: the model used too many tool rounds in one turn (--max-turns, WARDEN_MAX_TURNS)');
    // One model round only.
    expect(claude.requests.length - asked).toBe(1);

    const zero = await run(['-p', 'hi', '--mcp-config', file, '--max-turns', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--max-turns/);
  });

  it("Claude Code's --dangerously-skip-permissions and --permission-mode bypassPermissions run calls unasked, as --yes does", async () => {
    const file = join(root, 'only-unasked.json');
    await writeFile(file, JSON.stringify({ mcpServers: { only: { type: 'http', url: warden.server.url } } }));
    for (const flags of [['--dangerously-skip-permissions'], ['--permission-mode', 'bypassPermissions']]) {
      claude.enqueue(toolUse([{ id: `toolu_${flags.length}`, name: 'only__reverse', input: { text: 'abc' } }]), (request) =>
        text(String(toolResults(request)[0]?.content))(request),
      );
      const result = await run(['-p', 'reverse abc', '--mcp-config', file, '--strict-mcp-config', '-q', ...flags]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('cba\n');
      expect(result.code).toBe(0);
    }
    const plan = await run(['-p', 'hi', '--mcp-config', file, '--permission-mode', 'plan']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/^warden -p: unsupported --permission-mode "plan": Warden takes default .* or bypassPermissions \(--yes\)/);
  });

  it('status checks the servers a turn would use: with servers configured the default URL is "not used"; --mcp-config adds its servers', async () => {
    const extra = join(root, 'extra.json');
    await writeFile(extra, JSON.stringify({ mcpServers: { bearer: { url: warden.server.url, auth: { kind: 'bearer', tokenEnv: 'EXTRA_TOKEN' } } } }));
    const env = { ENTRA_TENANT_ID: 'common', ENTRA_CLIENT_ID: '00000000-0000-0000-0000-000000000001', ENTRA_API_SCOPE: 'api://x/execute' };
    const status = await run(['status', '--mcp-config', extra], env);
    expect(status.stdout).toMatch(/^Server: +http:\/\/127\.0\.0\.1:8000\/mcp not used: servers are configured/m);
    expect(status.stdout).toContain('  bearer (bearer): unavailable: EXTRA_TOKEN is not set (its auth.tokenEnv names it)');
    expect(status.stdout).toMatch(/^ {2}tickets \([\w-]+\): unavailable: \$\{TICKETS_API_KEY\} is not set/m);
    const named = await run(['status', '--json', '--server', warden.server.url], env);
    expect((JSON.parse(named.stdout) as { server: unknown }).server).toMatchObject({ reachable: true, mcp: 'initialized' });
  });
});

describe('a slow stdio server', () => {
  it('-p and mcp list wait for it up to its own connect timeout, not a fixed 5 s, and each starts it once', async () => {
    const starts = join(root, 'starts');
    const file = join(root, 'slow.json');
    await writeFile(
      file,
      JSON.stringify({ mcpServers: { slow: { command: process.execPath, args: [ENV_SERVER], env: { START_DELAY_MS: '5500', STARTS_FILE: starts }, timeout: 20000 } } }),
    );
    claude.enqueue(toolUse([{ id: 'toolu_slow', name: 'slow__pid', input: {} }]), (request) =>
      text(String(toolResults(request)[0]?.content).includes('pid') ? 'got it' : 'missing')(request),
    );
    const [turn, list] = await Promise.all([run(['-p', 'go', '--yes', '--mcp-config', file]), run(['mcp', 'list', '--mcp-config', file])]);
    expect(turn.stdout).toBe('got it\n');
    expect(turn.code).toBe(0);
    expect(list.stdout).toMatch(/^slow\s+flag\s+stdio\s+node \S+\s+✓ connected · 2 tools$/m);
    // One process per connect: no throw-away copy to probe the protocol version first.
    expect((await readFile(starts, 'utf8')).trim().split('\n')).toHaveLength(2);
  }, 90_000);
});
