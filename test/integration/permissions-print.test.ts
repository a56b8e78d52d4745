import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintTranscript } from '../../agent/commands/print-mode.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { auditLines } from '../helpers/audit-lines.js';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

describe('warden -p and tool permissions: no prompts, the model and the user are told', () => {
  let mcp: TestServer;
  let claude: FakeAnthropic;
  let home: string;
  let configFile: string;

  beforeAll(async () => {
    mcp = await startTestServer({ REVERSE_STEP_MS: '5' }, { noAuth: true });
    claude = await startFakeAnthropic();
    home = mkdtempSync(join(tmpdir(), 'warden-perm-home-'));
    configFile = join(home, 'servers.json');
    // A server from a file: trust "ask" by default, whatever its tools' annotations say.
    writeFileSync(configFile, JSON.stringify({ mcpServers: { warden: { url: mcp.server.url } }, permissions: { deny: ['warden__get_*'] } }));
  });
  afterAll(async () => {
    await claude.close();
    await mcp.server.close();
  });

  async function run(args: string[]) {
    const cli = startCli(['-p', 'reverse it', '--mcp-config', configFile, ...args], {
      env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-perm', ANTHROPIC_BASE_URL: claude.url },
    });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  it('a call that needs approval is denied: the model gets a tool_result saying the user declined, stderr names the tool and the flag, exit 1', async () => {
    const before = claude.requests.length;
    claude.enqueue(toolUse([{ id: 'toolu_deny', name: 'warden__reverse', input: { text: JWT } }]), text('I could not reverse it: the user declined.'));
    const { code, stdout, stderr } = await run(['--output', 'json']);
    expect(code).toBe(1);
    const result = toolResults(claude.requests[before + 1]!)[0];
    expect(result).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_deny',
      content: 'The user declined this tool call: it needs their approval, and this run cannot ask for it (no prompts). It was not run.',
      is_error: true,
    });
    expect(stderr).toContain('warden: denied warden › reverse: it needs approval and -p does not ask; --allowed-tools warden__reverse (or --yes) would allow it\n');
    const transcript = JSON.parse(stdout) as PrintTranscript;
    expect(transcript.toolCalls).toMatchObject([{ name: 'reverse', server: 'warden', status: 'cancelled', denied: 'cannot-ask' }]);
    expect(transcript.answer).toBe('I could not reverse it: the user declined.');
    // The audit log has the decision and its source, and never the token-like argument.
    const last = auditLines(home).at(-1);
    expect(last).toMatchObject({
      server: 'warden',
      tool: 'reverse',
      decision: 'deny',
      source: 'not allowed without asking (server warden trust "ask")',
      args: { text: '[redacted]' },
    });
    expect(readFileSync(join(home, '.config', 'warden', 'audit.log'), 'utf8')).not.toContain(JWT);
  });

  it('--allowed-tools with a pattern lets it run unasked; exit 0', async () => {
    const before = claude.requests.length;
    claude.enqueue(toolUse([{ name: 'warden__reverse', input: { text: 'abc' } }]), text('Done.'));
    const { code, stderr } = await run(['--allowed-tools', 'warden__rev*', '-q']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(toolResults(claude.requests[before + 1]!)[0]).toMatchObject({ content: 'cba' });
    expect(auditLines(home).at(-1)).toMatchObject({ decision: 'allow', source: '--allowed-tools warden__rev*', args: { text: 'abc' } });
  });

  it('deny wins over --yes: the configuration’s permissions.deny stops the call and the model is told which rule', async () => {
    const before = claude.requests.length;
    claude.enqueue(
      toolUse([
        { id: 'toolu_alerts', name: 'warden__get_alerts', input: { state: 'CA' } },
        { id: 'toolu_rev', name: 'warden__reverse', input: { text: 'xy' } },
      ]),
      text('One ran.'),
    );
    const { code, stderr } = await run(['--yes']);
    // A rule the user wrote is not a failure of the run.
    expect(code).toBe(0);
    const results = toolResults(claude.requests[before + 1]!);
    expect(results.find((r) => r.tool_use_id === 'toolu_alerts')).toMatchObject({
      content: `The user declined this tool call: their settings do not allow it (permissions.deny "warden__get_*" in ${configFile}). It was not run.`,
      is_error: true,
    });
    expect(results.find((r) => r.tool_use_id === 'toolu_rev')).toMatchObject({ content: 'yx' });
    expect(stderr).toContain(`warden: warden › get_alerts was denied by permissions.deny "warden__get_*" in ${configFile}`);
  });

  it('--help names --yes plainly', async () => {
    const top = startCli(['--help'], { env: { HOME: home } });
    expect(await top.exited).toBe(0);
    expect(top.stdout()).toMatch(/--yes +ALLOW EVERY TOOL CALL without asking, for this run/);
    const chat = startCli(['-p', '--help'], { env: { HOME: home } });
    expect(await chat.exited).toBe(0);
    expect(chat.stdout()).toMatch(/--yes +ALLOW EVERY TOOL CALL for this run without asking/);
  });

  it("--allowedTools with Claude Code's mcp__SERVER__TOOL names works as --allowed-tools", async () => {
    const before = claude.requests.length;
    claude.enqueue(toolUse([{ name: 'warden__reverse', input: { text: 'xyz' } }]), text('Done.'));
    const { code } = await run(['--allowedTools', 'mcp__warden__reverse', '-q']);
    expect(code).toBe(0);
    expect(toolResults(claude.requests[before + 1]!)[0]).toMatchObject({ content: 'zyx' });
  });

  it('a bad pattern is a usage error naming the flag (exit 2)', async () => {
    const { code, stderr } = await run(['--allowed-tools', ',']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^warden: --allowed-tools needs tool patterns/);
  });
});
