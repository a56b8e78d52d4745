import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintTranscript } from '../../agent/commands/print-mode.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, CLIENT_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';
import { freePort } from '../helpers/free-port.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/mcp`;
}

async function run(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, { env, ...(input !== undefined && { input }) });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('warden -p (print mode), as a user runs it', () => {
  let mcp: TestServer;
  let url: string;

  beforeAll(async () => {
    mcp = await startTestServer({ REVERSE_STEP_MS: '20' }, { noAuth: true });
    url = mcp.server.url;
  });
  afterAll(async () => {
    await mcp.server.close();
  });

  it('answers with the demo model: the answer on stdout, progress lines on stderr, exit 0', async () => {
    const { code, stdout, stderr } = await run(['-p', 'reverse hello world', '--no-auth'], { MCP_SERVER_URL: url });
    expect(code).toBe(0);
    expect(stdout).toContain('"hello world" reversed is "dlrow olleh".');
    expect(stdout).toMatch(/offline demo model/);
    expect(stdout.endsWith('\n')).toBe(true);
    const lines = stderr.trim().split('\n');
    expect(lines).toContain('warden: using the offline demo model (set ANTHROPIC_API_KEY to use Claude)');
    expect(lines).toContain('[reverse#1] started {"text":"hello world"}');
    expect(lines).toContain('[reverse#1] 2/5 40% Step 2 of 5: reversed 4 of 11 characters');
    expect(lines.at(-1)).toMatch(/^\[reverse#1\] ✓ \d+\.\d s dlrow olleh$/);
    // Nothing but the answer on stdout.
    expect(stdout).not.toContain('[reverse#1]');
  });

  it('--quiet leaves stderr empty; the prompt may come on stdin; --server overrides MCP_SERVER_URL', async () => {
    const { code, stdout, stderr } = await run(['-p', '--quiet', '--no-auth', '--server', url], { MCP_SERVER_URL: 'http://127.0.0.1:9/mcp' }, 'reverse piped\n');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('"piped" reversed is "depip".');
  });

  it('--output json prints exactly one JSON object with answer, tool calls, usage, model and stop reason', async () => {
    const { code, stdout } = await run(['-p', 'reverse alpha, beta and gamma', '--no-auth', '--output', 'json', '-q'], { MCP_SERVER_URL: url });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const transcript = JSON.parse(stdout) as PrintTranscript;
    expect(Object.keys(transcript).sort()).toEqual(['answer', 'conversationId', 'cost', 'model', 'stopReason', 'toolCalls', 'usage']);
    expect(transcript).toMatchObject({ model: 'demo', stopReason: 'end_turn', usage: { inputTokens: 0, outputTokens: 0 } });
    expect(transcript.answer).toContain('"gamma" reversed is "ammag"');
    expect(transcript.toolCalls.map(({ durationMs, ...call }) => call)).toEqual([
      { name: 'reverse', arguments: { text: 'alpha' }, status: 'done', resultSummary: 'ahpla' },
      { name: 'reverse', arguments: { text: 'beta' }, status: 'done', resultSummary: 'ateb' },
      { name: 'reverse', arguments: { text: 'gamma' }, status: 'done', resultSummary: 'ammag' },
    ]);
    expect(transcript.toolCalls.every((c) => typeof c.durationMs === 'number' && c.durationMs > 0)).toBe(true);
  });

  it('exits 1 with one line naming the URL when the server is unreachable (JSON still one object)', async () => {
    const down = await closedPortUrl();
    const plain = await run(['-p', 'reverse x', '--no-auth', '-q'], { MCP_SERVER_URL: down });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toBe(`warden: cannot reach the MCP server at ${down} (connection refused)\n`);

    const json = await run(['-p', 'reverse x', '--no-auth', '-q', '--output', 'json'], { MCP_SERVER_URL: down });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ answer: '', toolCalls: [], stopReason: 'error', error: expect.stringContaining(down) });
  });

  it('exits 2 on usage and configuration errors, with one line', async () => {
    // In Warden's words, naming the option and the help that lists it (not Node's parseArgs text).
    const flag = await run(['-p', 'x', '--bogus']);
    expect(flag).toMatchObject({ code: 2, stderr: 'warden -p: unknown option --bogus (see warden -p --help)\n' });
    const typo = await run(['-p', 'x', '--ouput', 'json']);
    expect(typo).toMatchObject({ code: 2, stderr: 'warden -p: unknown option --ouput — did you mean --output? (see warden -p --help)\n' });
    const missing = await run(['-p', 'x', '--model']);
    expect(missing).toMatchObject({ code: 2, stderr: 'warden -p: --model needs a value (see warden -p --help)\n' });
    const output = await run(['-p', 'x', '--output', 'yaml']);
    expect(output).toMatchObject({ code: 2, stderr: 'warden -p: invalid --output "yaml": expected text, json or stream-json (see warden -p --help)\n' });
    const env = await run(['-p', 'x'], { MCP_SERVER_URL: 'not a url' });
    expect(env).toMatchObject({ code: 2, stderr: expect.stringMatching(/^warden: invalid MCP_SERVER_URL: /) });
    const turns = await run(['-p', 'x'], { WARDEN_MAX_TURNS: '0' });
    expect(turns).toMatchObject({ code: 2, stderr: expect.stringMatching(/^warden: invalid WARDEN_MAX_TURNS: /) });
    const noPrompt = await run(['-p'], {}, '');
    expect(noPrompt).toMatchObject({ code: 2, stderr: expect.stringMatching(/-p needs a prompt/) });
    const unknown = await run(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "frobnicate"/) });
    const near = await run(['lgin']);
    expect(near).toMatchObject({ code: 2, stderr: 'warden: unknown command "lgin" — did you mean login? (see warden --help)\n' });
  });

  it("takes Claude Code's spellings: --output-format json, and --version / -v", async () => {
    const { code, stdout } = await run(['-p', 'reverse abc', '--no-auth', '--output-format', 'json', '-q'], { MCP_SERVER_URL: url });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ stopReason: 'end_turn', toolCalls: [{ name: 'reverse', status: 'done' }] });
    const help = await run(['-p', '--help']);
    expect(help.stdout).toContain('--output-format');
    expect(help.stdout).toContain('--allowedTools / --disallowedTools');
    for (const flag of ['--version', '-v']) expect(await run([flag])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^warden \d+\.\d+\.\d+\n$/) });
  });

  it('Ctrl-C cancels the turn: the call is cancelled on the server, exit 130', async () => {
    const slow = await startTestServer({ REVERSE_STEP_MS: '300' }, { noAuth: true });
    try {
      const cli = startCli(['-p', 'reverse interrupt me', '--no-auth'], { env: { MCP_SERVER_URL: slow.server.url } });
      await cli.waitFor(/\[reverse#1\] 1\/5/, 'stderr');
      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(130);
      expect(cli.stderr()).toMatch(/\[reverse#1\] ✗ cancelled after/);
      expect(cli.stderr()).toMatch(/warden: cancelled\n$/);
      expect(await slow.logger.waitFor((r) => r.event === 'tool cancelled')).toMatchObject({ reason: 'client cancelled' });
    } finally {
      await slow.server.close();
    }
  });

  describe('with ANTHROPIC_API_KEY', () => {
    let claude: FakeAnthropic;
    beforeAll(async () => {
      claude = await startFakeAnthropic();
    });
    afterAll(async () => {
      await claude.close();
    });

    it('uses Claude at ANTHROPIC_BASE_URL: the model got the real tool result, and JSON names the model', async () => {
      claude.enqueue(toolUse([{ name: 'reverse', input: { text: 'hello world' } }], 'Reversing.'), (request) =>
        text(`Claude says: ${String(toolResults(request)[0]?.content)}`, { input_tokens: 120, output_tokens: 12 })(request),
      );
      const env = { MCP_SERVER_URL: url, ANTHROPIC_API_KEY: 'sk-ant-print', ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_MODEL: 'claude-haiku-4-5' };
      const { code, stdout, stderr } = await run(['-p', 'please reverse hello world', '--no-auth', '--output', 'json'], env);
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/demo model/);
      const transcript = JSON.parse(stdout) as PrintTranscript;
      expect(transcript).toMatchObject({
        answer: 'Reversing.\n\nClaude says: dlrow olleh',
        model: 'claude-haiku-4-5',
        stopReason: 'end_turn',
        usage: { inputTokens: 130, outputTokens: 17 },
        toolCalls: [{ name: 'reverse', status: 'done', resultSummary: 'dlrow olleh' }],
      });
      expect(claude.requests.map((r) => r.body.model)).toEqual(['claude-haiku-4-5', 'claude-haiku-4-5']);
      expect(toolResults(claude.requests[1]!)[0]).toMatchObject({ content: 'dlrow olleh' });
    });

    it('text output puts a paragraph break between text before and after tool calls; a rejected key exits 1', async () => {
      claude.enqueue(toolUse([{ name: 'reverse', input: { text: 'ab' } }], 'Reversing.'), text('Done: ba'));
      const env = { MCP_SERVER_URL: url, ANTHROPIC_API_KEY: 'sk-ant-print', ANTHROPIC_BASE_URL: claude.url };
      const ok = await run(['-p', 'reverse ab', '--no-auth', '-q'], env);
      expect(ok).toMatchObject({ code: 0, stdout: 'Reversing.\n\nDone: ba\n' });

      claude.enqueue(() => ({ kind: 'error', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' }));
      const rejected = await run(['-p', 'hello', '--no-auth', '-q'], env);
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toBe('');
      expect(rejected.stderr).toMatch(/^warden: ANTHROPIC_API_KEY was rejected \(401\)/);
    });
  });

  describe('against a protected server, with the real sign-in code', () => {
    let minter: TokenMinter;
    let secured: TestServer;
    beforeAll(async () => {
      // HTTPS with the test certificate, as MSAL requires of an authority.
      minter = await startTokenMinter({ https: true });
      secured = await startTestServer({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost });
    });
    afterAll(async () => {
      await secured.server.close();
      await minter.close();
    });

    it('with no account cached: "not signed in — run `warden login`", exit 1 (authority and scope discovered from the server, its identity provider approved)', async () => {
      const home = mkdtempSync(join(tmpdir(), 'warden-print-'));
      const { code, stdout, stderr } = await run(['-p', 'reverse x', '-q', '--approve-server'], {
        MCP_SERVER_URL: secured.server.url,
        ENTRA_CLIENT_ID: CLIENT_APP_ID,
        WARDEN_TOKEN_CACHE: join(home, 'token_cache.json'),
        HOME: home,
      });
      expect(stdout).toBe('');
      expect(stderr).toBe('warden: not signed in — run `warden login`\n');
      expect(code).toBe(1);
    });

    it('without ENTRA_CLIENT_ID: names the missing variable, exit 1', async () => {
      const home = mkdtempSync(join(tmpdir(), 'warden-print-'));
      const { code, stderr } = await run(['-p', 'reverse x', '-q'], { MCP_SERVER_URL: secured.server.url, HOME: home });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^warden: sign-in failed: missing ENTRA_CLIENT_ID/);
    });

    it('--no-auth against it: says the server requires sign-in, exit 1', async () => {
      const { code, stderr } = await run(['-p', 'reverse x', '-q', '--no-auth'], { MCP_SERVER_URL: secured.server.url });
      expect(code).toBe(1);
      expect(stderr).toBe(`warden: the server at ${secured.server.url} requires sign-in, but --no-auth is set\n`);
    });
  });
});
