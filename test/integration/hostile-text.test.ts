import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import {
  dirty,
  FORGED_LINE,
  HOSTILE_ERROR,
  HOSTILE_PROMPT_TEXT,
  HOSTILE_TOOL_NAME,
  hostileResult,
  startHostileServer,
  TERMINAL_CONTROL,
  type HostileServer,
} from '../helpers/hostile-server.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).
// Issue 11, items 2 and 3: a server's text reaches the terminal only terminal-safe, one line where a line is meant.

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, { env });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A message's text blocks, joined. */
const messageText = (content: unknown): string =>
  (Array.isArray(content) ? content : [{ type: 'text', text: String(content) }])
    .flatMap((b: { type?: string; text?: string }) => (b.type === 'text' ? [b.text ?? ''] : []))
    .join('\n');

/** Lines of stderr that are neither Warden's own notes nor a call's labelled line. */
const unlabelled = (stderr: string): string[] => stderr.split('\n').filter((line) => line !== '' && !/^(warden: |\[[^\]]+#\d+\] )/.test(line));

describe('a hostile MCP server against warden -p', () => {
  let hostile: HostileServer;
  let claude: FakeAnthropic;
  beforeAll(async () => {
    [hostile, claude] = await Promise.all([startHostileServer(), startFakeAnthropic()]);
  });
  afterAll(async () => {
    await Promise.all([hostile.close(), claude.close()]);
  });

  it('prints no control and no forged line on stdout or stderr, while the model gets the original texts', async () => {
    claude.enqueue(
      // The model calls the hostile tool by the name it was offered (fitted to the API's name rule).
      (request) =>
        toolUse([
          { id: 'toolu_1', name: 'reverse', input: { text: 'abc' } },
          { id: 'toolu_2', name: 'explode', input: { why: dirty('because') } },
          { id: 'toolu_3', name: request.body.tools?.find((t) => t.name.startsWith('evil'))?.name ?? HOSTILE_TOOL_NAME, input: {} },
        ])(request),
      text(`The server said: ${dirty('done')}\nSecond line.`),
    );
    const env = { MCP_SERVER_URL: hostile.url, ANTHROPIC_API_KEY: 'sk-ant-hostile', ANTHROPIC_BASE_URL: claude.url };
    // --yes: the hostile tools declare nothing, so they would need approval (tested in permissions-print).
    const { code, stdout, stderr } = await run(['-p', 'reverse abc', '--no-auth', '--yes'], env);

    expect(code).toBe(0);
    expect(stdout).not.toMatch(TERMINAL_CONTROL);
    expect(stderr).not.toMatch(TERMINAL_CONTROL);
    // The answer keeps its own line break, minus the controls.
    expect(stdout).toBe('The server said: done\nSecond line.\n');
    const lines = stderr.split('\n');
    expect(lines).not.toContain(FORGED_LINE);
    expect(unlabelled(stderr)).toEqual([]);
    // Each progress message is one line under its call's label; the forged text stays inside it.
    expect(lines).toContain('[reverse#1] 2/3 67% Step 2 of 3 [reverse#1] ✓ 0.0 s all good');
    expect(lines).toContain('[reverse#1] 3/3 100% Step 3 of 3 [reverse#1] ✓ 0.0 s all good');
    expect(lines.some((l) => /^\[reverse#1\] ✓ \d+\.\d s cba.* \[reverse#1\] ✓ 0\.0 s all good$/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[explode#2\] ✗ \d+\.\d s exploded/.test(l))).toBe(true);
    // The name cannot close its label early and pass for another call's line.
    expect(lines.some((l) => /^\[evilname_1__✓#3\] ✓ \d+\.\d s ok$/.test(l))).toBe(true);

    // The model saw exactly what the server sent.
    const results = toolResults(claude.requests.at(-1)!);
    expect(results).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: hostileResult('abc') },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: HOSTILE_ERROR, is_error: true },
      { type: 'tool_result', tool_use_id: 'toolu_3', content: 'ok' },
    ]);
  });

  it('a hostile prompt and resource: one safe line each on stderr, the model gets their words as sent', async () => {
    claude.enqueue(text('Hello.'), text('Noted.'));
    const env = { MCP_SERVER_URL: hostile.url, ANTHROPIC_API_KEY: 'sk-ant-hostile', ANTHROPIC_BASE_URL: claude.url };
    const prompt = await run(['-p', '/server:greet', '--no-auth'], env);
    expect(prompt.code).toBe(0);
    expect(prompt.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(prompt.stderr).toContain('warden: ran the MCP prompt server › greet\n');
    expect(messageText(claude.requests.at(-1)?.body.messages.at(-1)?.content)).toBe(HOSTILE_PROMPT_TEXT);

    const mention = await run(['-p', 'read @server:demo://notes', '--no-auth'], env);
    expect(mention.code).toBe(0);
    expect(mention.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(unlabelled(mention.stderr)).toEqual([]);
    expect(mention.stderr).toMatch(/^warden: attached @server:demo:\/\/notes \(text\/plain \[reverse#1\] ✓ 0\.0 s all good, [\d.]+ B\)$/m);
    expect(messageText(claude.requests.at(-1)?.body.messages.at(-1)?.content)).toContain(HOSTILE_PROMPT_TEXT);
  });

  it('prints a 200k-character progress message as one short line and finishes promptly', async () => {
    const flood = await startHostileServer({ bigMessageChars: 200_000 });
    try {
      const started = Date.now();
      const { code, stderr } = await run(['-p', 'reverse abc', '--no-auth', '--yes'], { MCP_SERVER_URL: flood.url });
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(stderr).not.toMatch(TERMINAL_CONTROL);
      const progress = stderr.split('\n').filter((l) => /^\[reverse#1\] \d\/3/.test(l));
      expect(progress).toHaveLength(3);
      for (const line of progress) {
        expect(line.length).toBeLessThan(300);
        expect(line.endsWith('…')).toBe(true);
      }
    } finally {
      await flood.close();
    }
  });
});

describe('warden status against a server whose RFC 9728 metadata carries controls', () => {
  let hostile: HostileServer;
  beforeAll(async () => {
    hostile = await startHostileServer();
  });
  afterAll(async () => {
    await hostile.close();
  });

  it('shows the metadata on one terminal-safe line', async () => {
    const env = {
      ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      ENTRA_TENANT_ID: 'contoso.example',
      ENTRA_API_SCOPE: 'api://warden/execute',
      WARDEN_TOKEN_CACHE: join(mkdtempSync(join(tmpdir(), 'warden-hostile-status-')), 'token_cache.json'),
    };
    const { code, stdout, stderr } = await run(['status', '--server', hostile.url], env);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(TERMINAL_CONTROL);
    expect(stderr).not.toMatch(TERMINAL_CONTROL);
    const lines = stdout.split('\n');
    expect(lines).not.toContain(FORGED_LINE);
    const serverAuth = lines.find((l) => l.startsWith('Server auth:'));
    expect(serverAuth).toMatch(/signs in at https:\/\/login\.example\/tenant \[reverse#1\] ✓ 0\.0 s all good, scopes api:\/\/hostile\/execute x \[reverse#1\] ✓ 0\.0 s all good/);
  });
});
