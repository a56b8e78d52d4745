import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';
import { EVERYTHING } from '../helpers/server-everything.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const tmuxAvailable = await hasTmux();

/** How many of its 5 steps the running `warden › reverse` pane shows (-1 before its first). */
function reverseStep(screen: string): number {
  const step = /warden › reverse[^\n]*\n[^\n]*(\d)\/5/.exec(screen)?.[1];
  return step === undefined ? -1 : Number(step);
}

describe.skipIf(!tmuxAvailable)('a server asks a question in a real terminal', () => {
  let warden: TestServer;
  let claude: FakeAnthropic;
  let terminal: TerminalSession | undefined;
  let dir: string;

  beforeAll(async () => {
    [warden, claude] = await Promise.all([startTestServer({ REVERSE_STEP_MS: '400' }, { noAuth: true }), startFakeAnthropic()]);
    dir = mkdtempSync(join(tmpdir(), 'warden-client-tui-'));
    writeFileSync(
      join(dir, 'servers.json'),
      JSON.stringify({
        mcpServers: {
          everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], trust: 'all' },
          warden: { url: warden.server.url, trust: 'all' },
        },
      }),
    );
  });
  afterAll(async () => {
    await terminal?.kill();
    await Promise.all([warden.server.close(), claude.close()]);
  });

  // Every wait below is for something on the screen; the bound is the other TUI scenarios' (10 s alone, 16 s at load average 12).
  it('the question waits in its call pane, checked before it is sent, while the other call keeps showing progress', { timeout: 60_000 }, async () => {
    terminal = await startTerminal({
      command: [process.execPath, CLI_PATH, '--mcp-config', join(dir, 'servers.json')],
      env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }),
      cwd: dir,
      width: 120,
      height: 40,
    });
    await terminal.waitForScreen(/● 2\/2 servers/);
    claude.enqueue(
      toolUse([
        { id: 'toolu_ask', name: 'everything__trigger-elicitation-request', input: {} },
        { id: 'toolu_rev', name: 'warden__reverse', input: { text: 'progress' } },
      ]),
      (request) =>
        text(
          `Results: ${toolResults(request)
            .map((r) => String(r.content).split('\n')[0])
            .join(' | ')}`,
        )(request),
    );
    await terminal.typeLine('ask me and reverse progress');
    // The form takes keys once it has been on screen a moment: its key legend says when.
    const asking = await terminal.waitForScreen((s) => s.includes('server "everything" asks: Please provide inputs') && s.includes('Enter send   ↑↓ field'));
    expect(asking).toMatch(/┃ › String\*:/);
    expect(asking).toMatch(/Enter send {3}↑↓ field {3}Ctrl-D decline {3}Esc cancel/);

    // Enter with the required field empty: checked here, nothing sent.
    await terminal.sendKeys(['Enter']);
    await terminal.waitForScreen(/String: required/);
    // The other call moves on while the question waits: further along, or finished, with the form still open.
    // (How far it got first depends on the machine's load; that it moves on does not.)
    const first = reverseStep(asking);
    await terminal.waitForScreen((s) => s.includes('server "everything" asks') && (reverseStep(s) > first || /✓ warden › reverse/.test(s)));

    await terminal.sendKeys(['Ada Lovelace'], { literal: true });
    await terminal.sendKeys(['Enter']);
    const done = await terminal.waitForScreen(/Results: /);
    expect(done).toMatch(/Results: ✅ User provided the requested information! \| ssergorp/);
    expect(done).not.toContain('server "everything" asks');
  });
});
