import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';
import { EVERYTHING } from '../helpers/server-everything.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const tmuxAvailable = await hasTmux();
const DOC = 'demo://resource/static/document/architecture.md';

/** The text of the last user message the model got. */
function lastPrompt(claude: FakeAnthropic): string {
  const content = claude.requests.at(-1)?.body.messages.at(-1)?.content;
  return typeof content === 'string' ? content : (content ?? []).map((b) => String(b.text ?? '')).join('\n');
}

describe.skipIf(!tmuxAvailable)('MCP prompts and @ resources in a real terminal (80×24)', () => {
  let claude: FakeAnthropic;
  let terminal: TerminalSession | undefined;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
  });
  afterAll(async () => {
    await terminal?.kill();
    await claude.close();
  });

  it('/server:prompt completes its name and arguments (completion/complete) and runs; @server:uri completes and attaches; /help lists the prompts', {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-prompts-tui-'));
    writeFileSync(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } }));
    terminal = await startTerminal({
      command: [process.execPath, CLI_PATH, '--mcp-config', join(dir, 'servers.json')],
      env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }),
      cwd: dir,
      width: 80,
      height: 24,
    });
    await terminal.waitForScreen(/● \S+ connected · \d+ tools/);

    // The prompt's name, then each argument: the second's values depend on the first (context).
    await terminal.sendKeys(['/everything:comp'], { literal: true });
    await terminal.sendKeys(['Tab']);
    await terminal.waitForScreen(/│ › \/everything:completable-prompt +│/);
    await terminal.sendKeys(['Eng'], { literal: true });
    await terminal.waitForScreen(/› Engineering +Choose the department\./);
    await terminal.sendKeys(['Tab']);
    // The next argument's values show as soon as the word before it is complete.
    const names = await terminal.waitForScreen(/› Alice[\s\S]*Bob[\s\S]*Charlie/);
    expect(names).not.toContain('David');
    await terminal.sendKeys(['Down']);
    await terminal.waitForScreen(/› Bob/);
    await terminal.sendKeys(['Tab']);
    await terminal.waitForScreen(/│ › \/everything:completable-prompt Engineering Bob +│/);
    claude.enqueue(text('Bob leads Engineering now.'));
    await terminal.sendKeys(['Enter']);
    const ran = await terminal.waitForScreen(/Bob leads Engineering now\./);
    expect(ran).toContain('↳ ran the MCP prompt everything › completable-prompt');
    expect(lastPrompt(claude)).toBe('Please promote Bob to the head of the Engineering team.');

    // A mention: the server, then its resources by their start.
    await terminal.sendKeys(['summarize @ev'], { literal: true });
    await terminal.sendKeys(['Tab']);
    await terminal.waitForScreen(/│ › summarize @everything: +│/);
    await terminal.sendKeys(['demo://resource/static/document/arc'], { literal: true });
    await terminal.waitForScreen(/› architecture\.md +demo:\/\/resource\/static\/document\/architecture\.md/);
    await terminal.sendKeys(['Tab']);
    await terminal.waitForScreen(/│ › summarize @everything:demo:\/\/resource\/static\/document\/architecture\.md +│/);
    claude.enqueue(text('It describes the server.'));
    await terminal.sendKeys(['Enter']);
    const attached = await terminal.waitForScreen(/It describes the server\./);
    expect(attached).toMatch(/↳ attached @everything:demo:\/\/resource\/static\/document\/architecture\.md\s+\(text\/markdown, [\d.]+ KB\)/);
    expect(lastPrompt(claude)).toMatch(
      new RegExp(`^summarize @everything:${DOC}\\n\\[attached by the user: @everything:${DOC}\\]\\n\\[resource ${DOC} \\(text/markdown\\)\\]\\n# Everything Server`),
    );

    await terminal.typeLine('/help');
    await terminal.waitForScreen(/Ctrl-C +cancel the turn/);
    const help = await terminal.history();
    expect(help).toMatch(
      /MCP prompts \(Tab completes their arguments\)\n\/everything:simple-prompt\n {2}Simple Prompt: A prompt with no arguments\n\/everything:args-prompt CITY \[STATE\]\n {2}Arguments Prompt: A prompt with two/,
    );
  });
});
