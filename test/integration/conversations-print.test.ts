import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintTranscript } from '../../agent/commands/print-mode.js';
import { INTERRUPTED_RESULT } from '../../agent/core/conversations/replay.js';
import { plain, startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const API_KEY = 'sk-ant-api03-conversation-test-key-0123456789';
const HEADER = 'hdr-secret-4b1d9e77c0';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZAd2FyZGVuIn0.c2lnbmF0dXJlLWJ5dGVz';

describe('warden -p keeps a conversation across runs', () => {
  let claude: FakeAnthropic;
  let fast: TestServer;
  let slow: TestServer;
  let home: string;
  let cwd: string;
  let config: string;

  beforeAll(async () => {
    [claude, fast, slow] = await Promise.all([
      startFakeAnthropic(),
      startTestServer({ REVERSE_STEP_MS: '5' }, { noAuth: true }),
      // Slow enough that the process is killed while the call runs (after its first progress).
      startTestServer({ REVERSE_STEP_MS: '1500' }, { noAuth: true }),
    ]);
    home = mkdtempSync(join(tmpdir(), 'warden-conv-print-'));
    cwd = join(home, 'project');
    mkdirSync(cwd);
    config = join(home, 'servers.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          fast: { type: 'http', url: fast.server.url, headers: { 'X-Api-Key': HEADER }, trust: 'read-only' },
          slow: { type: 'http', url: slow.server.url, trust: 'read-only' },
        },
      }),
    );
  });
  afterAll(async () => {
    await Promise.all([claude.close(), fast.server.close(), slow.server.close()]);
  });

  const env = () => ({ HOME: home, ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: claude.url });
  const run = async (args: string[]) => {
    const cli = startCli(['-p', '--mcp-config', config, ...args], { env: env(), cwd });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };
  const json = (stdout: string) => JSON.parse(stdout) as PrintTranscript;
  const savedFiles = () => readdirSync(join(home, '.config', 'warden', 'conversations')).map((f) => readFileSync(join(home, '.config', 'warden', 'conversations', f), 'utf8'));

  it('--resume ID and --continue give the model the history exactly as it was; --output json names the conversation', async () => {
    claude.enqueue(toolUse([{ name: 'fast__reverse', input: { text: 'abc' } }]), text('It is "cba".'));
    const first = await run(['reverse abc', '--output', 'json', '-q']);
    expect(first.code).toBe(0);
    const id = json(first.stdout).conversationId;
    expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    const [, answered] = await claude.waitForRequests(2);
    const before = plain(answered?.body.messages ?? []);

    claude.enqueue(text('Still "cba".'));
    const second = await run(['--resume', id ?? '', 'and again?', '--output', 'json', '-q']);
    expect(second.code).toBe(0);
    expect(json(second.stdout)).toMatchObject({ conversationId: id, answer: 'Still "cba".' });
    const resumed = plain((await claude.waitForRequests(3))[2]?.body.messages ?? []);
    // Byte for byte what the model saw before (the cache breakpoints move on), then its answer and the new prompt.
    expect(JSON.stringify(resumed.slice(0, before.length))).toBe(JSON.stringify(before));
    expect(resumed.slice(before.length)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'It is "cba".' }] },
      { role: 'user', content: [{ type: 'text', text: 'and again?' }] },
    ]);

    claude.enqueue(text('Third.'));
    const third = await run(['-c', 'once more', '--output', 'json', '-q']);
    expect(json(third.stdout).conversationId).toBe(id);
    const continued = (await claude.waitForRequests(4))[3]?.body.messages ?? [];
    expect(continued).toHaveLength(resumed.length + 2);
  });

  it('a server the conversation used that is no longer configured is named in one line, and the conversation goes on', async () => {
    const onlySlow = join(home, 'only-slow.json');
    writeFileSync(onlySlow, JSON.stringify({ mcpServers: { slow: { type: 'http', url: slow.server.url, trust: 'read-only' } } }));
    claude.enqueue(text('Without fast.'));
    const cli = startCli(['-p', '--mcp-config', onlySlow, '-c', 'still there?'], { env: env(), cwd });
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('warden: Gone since this conversation was saved: server fast.\n');
    expect(cli.stdout()).toBe('Without fast.\n');
  });

  it('an unknown ID is one clear line and exit 1; -c with nothing to continue starts a new conversation', async () => {
    const missing = await run(['--resume', '20991231-000000-ffff', 'hello']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('warden: no saved conversation "20991231-000000-ffff" (warden --resume lists them)');

    const elsewhere = join(home, 'elsewhere');
    mkdirSync(elsewhere);
    claude.enqueue(text('Fresh.'));
    const cli = startCli(['-p', '--mcp-config', config, '-c', 'hello', '--output', 'json'], { env: env(), cwd: elsewhere });
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('warden: no saved conversation in this directory yet; starting a new one');
    expect(json(cli.stdout()).answer).toBe('Fresh.');
  });

  it('after SIGKILL mid-call, the next run closes the interrupted call with an error result and never re-runs it', async () => {
    const base = claude.requests.length;
    const elsewhere = join(home, 'killed');
    mkdirSync(elsewhere);
    claude.enqueue(toolUse([{ id: 'toolu_killed', name: 'slow__reverse', input: { text: 'slow' } }], 'Reversing.'));
    const cli = startCli(['-p', '--mcp-config', config, 'reverse slow'], { env: env(), cwd: elsewhere });
    await cli.waitFor(/\[slow › reverse#1\] 1\/5/, 'stderr');
    cli.child.kill('SIGKILL');
    await cli.exited;

    claude.enqueue(text('It was interrupted.'));
    const after = startCli(['-p', '--mcp-config', config, '-c', 'what happened?', '--output', 'json', '-q'], { env: env(), cwd: elsewhere });
    expect(await after.exited).toBe(0);
    const messages = plain(claude.requests[base + 1]?.body.messages ?? []);
    expect(messages.at(-2)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Reversing.' },
        { type: 'tool_use', id: 'toolu_killed', name: 'slow__reverse', input: { text: 'slow' } },
      ],
    });
    expect(messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_killed', content: INTERRUPTED_RESULT, is_error: true },
        { type: 'text', text: 'what happened?' },
      ],
    });
    // The model was asked once more, and no call went to the slow server again.
    expect(claude.requests).toHaveLength(base + 2);
  });

  it('never writes the API key, a header value or a token into a saved conversation', async () => {
    const elsewhere = join(home, 'secrets');
    mkdirSync(elsewhere);
    claude.enqueue(toolUse([{ name: 'fast__reverse', input: { text: `Bearer ${JWT}` } }]), text(`Done with ${HEADER}.`));
    const cli = startCli(['-p', '--mcp-config', config, `use ${API_KEY} and ${HEADER} and ${JWT}`, '-q'], { env: env(), cwd: elsewhere });
    expect(await cli.exited).toBe(0);
    const files = savedFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const secret of [API_KEY, HEADER, JWT]) expect(file).not.toContain(secret);
    }
    expect(files.join('\n')).toContain('[redacted]');
  });
});
