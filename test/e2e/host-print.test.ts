import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintTranscript } from '../../agent/commands/print-mode.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../agent/core/mcp/session.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { writeUserServers } from '../helpers/config-dirs.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { startV1SessionServer, type V1SessionServer } from '../helpers/v1-session-server.js';
import { freePort } from '../helpers/free-port.js';
import { EVERYTHING } from '../helpers/server-everything.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const HEADER_SECRET = 'hdr-s3cret-value-123';
const URL_SECRET = 'url-s3cret-pw';

// The user's own file (~/.config/warden/mcp.json): a server down there is left out; one named with --mcp-config would fail the run (claude-code-compat).
describe('warden -p with a configuration file of four servers: Warden (HTTP), server-everything (stdio), a v1 session server (HTTP), one down', () => {
  let warden: TestServer;
  let notes: V1SessionServer;
  let claude: FakeAnthropic;
  let dir: string;
  let downPort: number;

  beforeAll(async () => {
    [warden, notes, claude, downPort] = await Promise.all([startTestServer({ REVERSE_STEP_MS: '20' }, { noAuth: true }), startV1SessionServer(), startFakeAnthropic(), freePort()]);
    dir = mkdtempSync(join(tmpdir(), 'warden-host-print-'));
    await writeUserServers(
      dir,
      JSON.stringify({
        mcpServers: {
          warden: { type: 'http', url: warden.server.url, headers: { 'X-Api-Key': '${WARDEN_TEST_KEY}' } },
          everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] },
          notes: { type: 'http', url: notes.url },
          down: { type: 'http', url: `http://user:${URL_SECRET}@127.0.0.1:${downPort}/mcp` },
        },
      }),
    );
  });
  afterAll(async () => {
    await Promise.all([warden.server.close(), notes.close(), claude.close()]);
  });

  const run = async (args: string[]) => {
    const started = Date.now();
    // --yes: these are the user's own servers; approvals have their own tests (permissions-print).
    const cli = startCli(['-p', 'reverse hello and echo hi', '--yes', ...args], {
      cwd: dir,
      env: { HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, WARDEN_TEST_KEY: HEADER_SECRET },
    });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr(), ms: Date.now() - started };
  };

  it('calls tools on two servers in one turn, both results come back, the down server is one stderr line and costs no wait', async () => {
    claude.enqueue(
      toolUse([
        { id: 'toolu_w', name: 'warden__reverse', input: { text: 'hello' } },
        { id: 'toolu_e', name: 'everything__echo', input: { message: 'hi' } },
      ]),
      (request) =>
        text(
          `Results: ${toolResults(request)
            .map((r) => String(r.content))
            .join(' / ')}`,
        )(request),
    );
    const { code, stdout, stderr, ms } = await run([]);
    expect(stderr).not.toMatch(/warden: (?!server "down")/);
    expect(code).toBe(0);
    expect(stdout).toBe('Results: olleh / Echo: hi\n');

    const lines = stderr.trim().split('\n');
    const downLines = lines.filter((l) => l.includes('"down"'));
    expect(downLines).toEqual([
      `warden: server "down" is unavailable, its tools are left out: cannot reach the MCP server at http://127.0.0.1:${downPort}/mcp (connection refused)`,
    ]);
    // The label names server and tool once: the line does not repeat them.
    expect(lines).toContain('[warden › reverse#1] started {"text":"hello"}');
    expect(lines).toContain('[everything › echo#2] started {"message":"hi"}');
    expect(lines.some((l) => /^\[warden › reverse#1\] ✓ \d+\.\d s olleh$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[everything › echo#2\] ✓ \d+\.\d s Echo: hi$/.test(l))).toBe(true);
    // The down server settled at once: the turn did not wait out its connect timeout.
    expect(ms).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS);

    const request = claude.requests.at(-2)!;
    const names = request.body.tools?.map((t) => t.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['warden__reverse', 'everything__echo', 'notes__notes_find', 'notes__whoami']));
    expect(names.some((n) => n.startsWith('down__'))).toBe(false);
    expect(JSON.stringify(request.body.system)).toContain('unavailable');
    // The configured header reached the server; no secret reached any output or the model.
    for (const out of [stdout, stderr, JSON.stringify(claude.requests.map((r) => r.body))]) {
      expect(out).not.toContain(HEADER_SECRET);
      expect(out).not.toContain(URL_SECRET);
    }
  });

  it('--output json names the server of each call', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_n', name: 'notes__notes_find', input: { input: { title: 'Groceries' } } }]), text('Found it.'));
    const { code, stdout } = await run(['--output', 'json', '-q']);
    expect(code).toBe(0);
    const transcript = JSON.parse(stdout) as PrintTranscript;
    expect(transcript.toolCalls.map(({ durationMs, ...c }) => c)).toEqual([
      { name: 'notes.find', server: 'notes', arguments: { title: 'Groceries' }, status: 'done', resultSummary: '1 note with title Groceries: "Groceries"' },
    ]);
  });
});
