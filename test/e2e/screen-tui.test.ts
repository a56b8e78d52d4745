import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

/**
 * What a real terminal shows, at 80×24 and 40×10: no line drawn wider than the terminal (tmux
 * would wrap it, leaving stray letters on a row of their own), and nothing of the live region
 * left in the scrollback when the chat ends.
 */

const tmuxAvailable = await hasTmux();

const LONG_ANSWER = [
  "Here's the answer in a few paragraphs, long enough to wrap at every width a terminal has: the reversed words are below, with what each call did.",
  '',
  '- first item of a list that goes on and on until it must wrap onto the next row of the terminal',
  '- second, with `inline code that is also rather long` and **bold words**',
  '',
  'A-word-without-any-spaces-that-is-much-longer-than-forty-columns-and-must-be-broken-by-hard-wrapping.',
].join('\n');

/** Resolves once the scrollback (wrapped rows joined) matches. */
async function waitForHistory(session: TerminalSession, match: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await session.history();
    if (match.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the scrollback never matched ${String(match)}; it ends:\n${last.split('\n').slice(-30).join('\n')}`);
}

/** Lines of `text` longer than `width` cells (tmux joined what it had to wrap). */
const tooWide = (text: string, width: number): string[] => text.split('\n').filter((line) => [...line].length > width);

describe.skipIf(!tmuxAvailable)('the screen in a real terminal', () => {
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let terminal: TerminalSession | undefined;
  let dir: string;

  beforeAll(async () => {
    [mcp, claude] = await Promise.all([startTestServer({ REVERSE_STEP_MS: '50' }, { noAuth: true }), startFakeAnthropic()]);
    dir = mkdtempSync(join(tmpdir(), 'warden-screen-tui-'));
    // The same tools twice: `local` runs its read-only tools unasked, `asker` asks first.
    writeFileSync(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { local: { url: mcp.server.url, trust: 'read-only' }, asker: { url: mcp.server.url } } }));
  });
  afterAll(async () => {
    await terminal?.kill();
    await Promise.all([mcp.server.close(), claude.close()]);
  });

  async function start(width: number, height: number): Promise<TerminalSession> {
    await terminal?.kill();
    // A shell around the CLI keeps the pane (and says how it ended) once the chat exits.
    const command = ['sh', '-c', 'node "$0" "$@"; echo "[exit $?]"', CLI_PATH, '--mcp-config', join(dir, 'servers.json')];
    terminal = await startTerminal({ command, env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }), cwd: dir, width, height });
    await terminal.waitForScreen(/2\/2 servers/);
    return terminal;
  }

  for (const [width, height] of [
    [80, 24],
    [40, 10],
  ] as const) {
    it(`at ${width}×${height}: long answers, finished calls, an approval and slash commands never draw a line wider than the terminal`, async () => {
      const session = await start(width, height);
      claude.enqueue(
        toolUse(
          [
            { name: 'local__reverse', input: { text: 'a rather long argument that will not fit on one line of any small terminal at all' } },
            { name: 'asker__reverse', input: { text: 'needs approval' } },
          ],
          'Reversing two things, one of which needs your approval before it runs; the other runs at once.',
        ),
        text(LONG_ANSWER),
      );
      await session.typeLine('reverse these');
      await session.waitForScreen(width === 40 ? /y allow · n deny/ : /y allow once/);
      await session.sendKeys(['y'], { literal: true });
      await session.waitForScreen(/must-be-broken-by-hard-wrapping\.|hard-wrapping\./);
      // Each command's last line, as it shows in the scrollback once printed.
      for (const [command, last] of [
        ['/tools', /6 tools on the servers[\s\S]*asker › get_forecast/],
        ['/help', /Ctrl-C +cancel the turn/],
        ['/mcp', /\/mcp reconnect NAME/],
      ] as const) {
        await session.typeLine(command);
        await waitForHistory(session, last);
      }
      const history = await session.history();
      expect(history).toContain('✓ local › reverse');
      expect(history).toContain('✓ asker › reverse');
      expect(tooWide(history, width)).toEqual([]);
      // The answer's wrapped rows sit two columns in, under its first row (never three).
      const answer = history.slice(history.indexOf("◆ Here's the answer")).split('\n');
      const paragraph = answer.slice(
        1,
        answer.findIndex((row) => row.trim() === ''),
      );
      expect(paragraph.length).toBeGreaterThan(0);
      expect(paragraph.filter((row) => !/^ {2}\S/.test(row))).toEqual([]);
      // /tools: every description row, wrapped or not, is indented by two under its tool.
      const tools = history.slice(history.indexOf('6 tools on the servers'), history.indexOf('› /help'));
      const rows = tools
        .split('\n')
        .slice(1)
        .filter((row) => row.trim() !== '');
      expect(rows.filter((row) => !/^(local|asker) › /.test(row) && !/^ {2}\S/.test(row))).toEqual([]);
    });
  }

  it('input in a real terminal: Tab completes, a paste keeps its lines, \\ Enter and Alt-Enter add one; the status bar is two rows at 80 columns', async () => {
    const session = await start(80, 24);
    // Idle: the input box, then the status bar's two rows, and nothing under them.
    const idle = (await session.screen()).trimEnd().split('\n');
    expect(idle.at(-3)).toMatch(/^╰─+╯$/);
    expect(idle.at(-2)).toMatch(/^● 2\/2 servers · 6 tools {3}no auth {3}claude-/);
    expect(idle.at(-1)).toMatch(/^Enter send/);

    await session.sendKeys(['/mc'], { literal: true });
    await session.sendKeys(['Tab']);
    await session.waitForScreen((s) => /│ › \/mcp +│/.test(s) && /› reconnect +connect a server again now/.test(s));
    await session.sendKeys(['C-u']);
    await session.waitForScreen((s) => !s.includes('reconnect'));

    await session.paste('first pasted line\nsecond pasted line\n');
    await session.waitForScreen(/│ › first pasted line +│\n│ {3}second pasted line +│\n│ {3} +│/);
    await session.sendKeys(['after backslash\\'], { literal: true });
    await session.sendKeys(['Enter']);
    await session.sendKeys(['after alt'], { literal: true });
    await session.sendKeys(['M-Enter']);
    await session.sendKeys(['last'], { literal: true });
    await session.waitForScreen(/│ {3}after alt +│\n│ {3}last +│/);
    claude.enqueue(text('Four lines received.'));
    await session.sendKeys(['Enter']);
    await session.waitForScreen(/Four lines received\./);
    const prompt = claude.requests.at(-1)?.body.messages.at(-1)?.content;
    const textOf = typeof prompt === 'string' ? prompt : (prompt ?? []).map((b) => String(b.text ?? '')).join('');
    expect(textOf).toBe('first pasted line\nsecond pasted line\nafter backslash\nafter alt\nlast');
  });

  it('/exit leaves no input box or key hints behind; Ctrl-C twice leaves no "press again" line', async () => {
    let session = await start(80, 24);
    await session.typeLine('/exit');
    await session.waitForScreen(/\[exit 0\]/);
    let history = await session.history();
    expect(history).toContain('› /exit');
    expect(history).not.toContain('╭');
    expect(history).not.toContain('Enter send');
    expect(history).not.toContain('2/2 servers');

    session = await start(80, 24);
    await session.sendKeys(['C-c']);
    await session.waitForScreen(/Press Ctrl-C again to exit/);
    await session.sendKeys(['C-c']);
    await session.waitForScreen(/\[exit 0\]/);
    history = await session.history();
    expect(history).not.toContain('Press Ctrl-C again');
    expect(history).not.toContain('╭');
  });
});
