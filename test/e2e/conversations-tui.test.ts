import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_RESULT } from '../../agent/core/conversations/replay.js';
import { plain, startFakeAnthropic, text, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { CLI_PATH } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { hasTmux, startTerminal, terminalEnv, type TerminalSession } from '../helpers/tmux.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const tmuxAvailable = await hasTmux();

describe.skipIf(!tmuxAvailable)('saved conversations in a real terminal', () => {
  let fast: TestServer;
  let slow: TestServer;
  let claude: FakeAnthropic;
  let terminal: TerminalSession | undefined;
  let dir: string;

  beforeAll(async () => {
    [fast, slow, claude] = await Promise.all([
      startTestServer({ REVERSE_STEP_MS: '5' }, { noAuth: true }),
      startTestServer({ REVERSE_STEP_MS: '1500' }, { noAuth: true }),
      startFakeAnthropic(),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'warden-conv-tui-'));
    writeFileSync(
      join(dir, 'servers.json'),
      JSON.stringify({ mcpServers: { fast: { url: fast.server.url, trust: 'read-only' }, slow: { url: slow.server.url, trust: 'read-only' } } }),
    );
  });
  afterAll(async () => {
    await terminal?.kill();
    await Promise.all([fast.server.close(), slow.server.close(), claude.close()]);
  });

  const chat = async (...flags: string[]): Promise<TerminalSession> => {
    await terminal?.kill();
    terminal = await startTerminal({
      command: [process.execPath, CLI_PATH, '--mcp-config', join(dir, 'servers.json'), ...flags],
      env: terminalEnv(dir, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }),
      cwd: dir,
      width: 100,
      height: 34,
    });
    await terminal.waitForScreen(/● 2\/2 servers · 6 tools/);
    return terminal;
  };

  it('comes back after /exit (--continue) and after SIGKILL mid-call, and the picker (--resume) chooses between them', { timeout: 90_000 }, async () => {
    // 1. A conversation that ends normally.
    let t = await chat();
    claude.enqueue(toolUse([{ name: 'fast__reverse', input: { text: 'abc' } }]), text('It is "cba".'));
    await t.typeLine('reverse abc');
    await t.waitForScreen(/It is "cba"\./);
    await t.typeLine('/exit');
    await t.waitForExit();

    // --continue: its history is on screen, and the model gets it with the next prompt.
    t = await chat('--continue');
    const resumed = await t.waitForScreen(/Resumed conversation \d{8}-\d{6}-[0-9a-f]{4}/);
    expect(resumed).toMatch(/› reverse abc[\s\S]*✓ fast › reverse "abc" · [\d.]+s · cba[\s\S]*◆ It is "cba"\./);
    claude.enqueue(text('Yes, still "cba".'));
    await t.typeLine('are you sure?');
    await t.waitForScreen(/Yes, still "cba"\./);
    const messages = claude.requests.at(-1)?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(plain(messages.at(-1))).toEqual({ role: 'user', content: [{ type: 'text', text: 'are you sure?' }] });
    await t.typeLine('/exit');
    await t.waitForExit();

    // 2. A new conversation killed while its call runs.
    t = await chat();
    claude.enqueue(toolUse([{ id: 'toolu_slow', name: 'slow__reverse', input: { text: 'slow' } }]));
    await t.typeLine('reverse slow');
    await t.waitForScreen(/slow › reverse\s+"slow"[^\n]*\n[^\n]*1\/5/);
    process.kill(Number(await t.display('#{pane_pid}')), 'SIGKILL');
    await t.waitForExit();

    t = await chat('--continue');
    const afterKill = await t.waitForScreen(/Resumed conversation/);
    expect(afterKill).toMatch(/› reverse slow[\s\S]*✗ slow › reverse "slow" · [^\n]*interrupted: Warden stopped while it ran/);
    expect(afterKill).not.toContain('are you sure?');
    claude.enqueue(text('That call was interrupted.'));
    await t.typeLine('what happened?');
    await t.waitForScreen(/That call was interrupted\./);
    expect(plain(claude.requests.at(-1)?.body.messages.at(-1))).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_slow', content: INTERRUPTED_RESULT, is_error: true },
        { type: 'text', text: 'what happened?' },
      ],
    });
    await t.typeLine('/exit');
    await t.waitForExit();

    // 3. The picker: newest first, with the first prompt; the older one is chosen.
    t = await chat('--resume');
    const picker = await t.waitForScreen(/Resume a conversation \(2 in this directory\)/);
    expect(picker).toMatch(/› just now\s+reverse slow\s+\d+ (B|KB)[^\n]*\n[^\n]*just now\s+reverse abc\s+\d+ (B|KB)/);
    await t.sendKeys(['Down']);
    await t.waitForScreen(/› just now\s+reverse abc/);
    await t.sendKeys(['Enter']);
    const chosen = await t.waitForScreen(/Resumed conversation/);
    expect(chosen).toMatch(/› are you sure\?[\s\S]*◆ Yes, still "cba"\./);
    expect(chosen).not.toContain('reverse slow');

    // /resume inside the chat opens the same picker.
    await t.typeLine('/resume');
    await t.waitForScreen(/Resume a conversation \(2 in this directory\)/);
    await t.sendKeys(['Escape']);
    await t.waitForScreen((s) => !s.includes('Resume a conversation') && s.includes('Enter send'));
  });
});
