import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const tmuxAvailable = await hasTmux();

describe.skipIf(!tmuxAvailable)('approving a tool call in a real terminal', () => {
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let terminal: TerminalSession | undefined;
  let dir: string;

  beforeAll(async () => {
    [mcp, claude] = await Promise.all([startTestServer({ REVERSE_STEP_MS: '200' }, { noAuth: true }), startFakeAnthropic()]);
    dir = mkdtempSync(join(tmpdir(), 'warden-approvals-tui-'));
    // One server trusted for its read-only tools, the same tools under another name left at the default trust ("ask").
    writeFileSync(join(dir, 'servers.json'), JSON.stringify({ mcpServers: { trusted: { url: mcp.server.url, trust: 'read-only' }, asker: { url: mcp.server.url } } }));
  });
  afterAll(async () => {
    await terminal?.kill();
    await Promise.all([mcp.server.close(), claude.close()]);
  });

  it('three calls at once, one waits for approval while the other two finish; `a` saves the rule and the next call runs unasked', async () => {
    terminal = await startTerminal({
      command: [process.execPath, CLI_PATH, '--mcp-config', join(dir, 'servers.json')],
      env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }),
      cwd: dir,
      width: 110,
      height: 36,
    });
    await terminal.waitForScreen(/● 2\/2 servers · 6 tools/);

    claude.enqueue(
      toolUse([
        { id: 'toolu_one', name: 'trusted__reverse', input: { text: 'one' } },
        { id: 'toolu_two', name: 'trusted__reverse', input: { text: 'two' } },
        { id: 'toolu_three', name: 'asker__reverse', input: { text: 'three' } },
      ]),
      (request) =>
        text(
          `Got ${toolResults(request)
            .map((r) => String(r.content))
            .join(', ')}.`,
        )(request),
    );
    await terminal.typeLine('reverse one, two and three');
    // The other two finish while the third still waits for its answer (its keys show once it has been on screen a moment).
    const waiting = await terminal.waitForScreen((s) => /✓ trusted › reverse "one"/.test(s) && /✓ trusted › reverse "two"/.test(s) && s.includes('y allow once'));
    expect(waiting).toMatch(/┃\s+asker › reverse\s+"three"[^\n]*\n┃ waiting for you/);
    expect(waiting).toContain('┃ "text": "three"');
    expect(waiting).toContain('┃ annotations: read-only · not destructive · idempotent · closed world');
    expect(waiting).toMatch(/┃ y allow once {3}a always allow {3}s allow the server's read-only tools {3}n deny {3}N deny with reason/);
    expect(waiting).toContain('Tab next question · Esc deny');
    expect(claude.requests).toHaveLength(1);

    await terminal.sendKeys(['a'], { literal: true });
    const answered = await terminal.waitForScreen(/Got eno, owt, eerht\./);
    expect(answered).toMatch(/✓ asker › reverse "three" · [\d.]+s · eerht/);
    // Saved to the user's own file, where /permissions finds it.
    const saved = JSON.parse(readFileSync(join(dir, '.config', 'warden', 'mcp.json'), 'utf8')) as { permissions?: { saved?: unknown } };
    // A rule belongs to the server it was given for (by name and identity), not to a name pattern.
    expect(saved.permissions?.saved).toEqual([{ server: 'asker', tool: 'reverse', for: expect.any(String) }]);

    claude.enqueue(toolUse([{ id: 'toolu_four', name: 'asker__reverse', input: { text: 'four' } }]), text('Four done.'));
    await terminal.typeLine('reverse four');
    const unasked = await terminal.waitForScreen(/Four done\./);
    expect(unasked).toMatch(/✓ asker › reverse "four" · [\d.]+s · ruof/);
    expect(terminal.output().split('Four done.')[0]?.split('reverse four').at(-1)).not.toContain('waiting for you');

    await terminal.typeLine('/permissions');
    await terminal.waitForScreen(/Saved rules \(remove one with \/permissions remove N\):\n\s+1\. allow asker › reverse/);
    const audit = readFileSync(join(dir, '.config', 'warden', 'audit.log'), 'utf8');
    expect(audit).toContain('"tool":"reverse","decision":"allow","source":"user: allowed this tool always"');
    expect(audit).toContain('"source":"saved rule: allow asker › reverse"');
  });

  /** Types `text` one key at a time at a person's pace. */
  async function typeAtHumanSpeed(session: TerminalSession, text: string, gapMs = 150): Promise<void> {
    for (const key of text) {
      await session.sendKeys([key], { literal: true });
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }

  /** A fresh chat at this size on the shared servers, once both are connected. */
  async function restart(width: number, height: number): Promise<TerminalSession> {
    await terminal?.kill();
    const session = await startTerminal({
      command: [process.execPath, CLI_PATH, '--mcp-config', join(dir, 'servers.json')],
      env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }),
      cwd: dir,
      width,
      height,
    });
    await session.waitForScreen(/● 2\/2 servers/);
    return session;
  }

  /** The rules saved in the user's file (none while there is no file). */
  const savedRules = (): unknown => {
    const file = join(dir, '.config', 'warden', 'mcp.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { permissions?: { saved?: unknown } }).permissions?.saved : undefined;
  };

  it('text typed at a person’s pace while an approval appears answers nothing: it stays in the input, no rule is saved', async () => {
    terminal = await restart(80, 24);
    const before = savedRules();
    claude.enqueue(toolUse([{ id: 'toolu_alerts', name: 'asker__get_alerts', input: { state: 'CA' } }]), text('Not allowed, fine.'));
    // The prompt, then the next message typed straight on: every answer key (y a s n N) is in it.
    await terminal.typeLine('alerts for CA');
    const typed = 'many say yes and no, always Nay';
    await typeAtHumanSpeed(terminal, typed);
    const screen = await terminal.waitForScreen((s) => s.includes('waiting for you') && s.includes(typed));
    expect(screen).toMatch(/│ › many say yes and no, always Nay/);
    expect(savedRules()).toEqual(before);
    // A deliberate key once the keys show: deny.
    await terminal.waitForScreen(/y allow once/);
    await terminal.sendKeys(['n'], { literal: true });
    const denied = await terminal.waitForScreen(/Not allowed, fine\./);
    expect(denied).toMatch(/⊘ asker › get_alerts "CA" · [\d.]+s · denied by you/);
    expect(savedRules()).toEqual(before);
  });

  it('at 40×10 the approval shows as one line naming server, tool and keys; a permanent answer is not taken from it', async () => {
    terminal = await restart(40, 10);
    const before = savedRules();
    claude.enqueue(toolUse([{ id: 'toolu_forecast', name: 'asker__get_forecast', input: { latitude: 1, longitude: 2 } }]), text('Ok.'));
    await terminal.typeLine('forecast');
    const line = await terminal.waitForScreen(/y allow · n deny/);
    expect(line).toMatch(/\? asker › get_forecast.* y allow · n deny/);
    for (const row of line.split('\n')) expect([...row].length).toBeLessThanOrEqual(40);
    await terminal.sendKeys(['a'], { literal: true });
    // `a` went to the input; the keys show again after a quiet moment (the same frame drew both).
    await terminal.waitForScreen((s) => s.includes('│ › a') && s.includes('y allow · n deny'));
    expect(savedRules()).toEqual(before);
    await terminal.sendKeys(['n'], { literal: true });
    await terminal.waitForScreen(/Ok\./);
    expect(savedRules()).toEqual(before);
  });
});
