import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { EVERYTHING } from '../helpers/server-everything.js';

// Spawns the built CLI (dist/): run `npm run build` first (`npm test` does).

describe('warden -p when a server asks something mid-call (server-everything over stdio)', () => {
  let claude: FakeAnthropic;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    dir = mkdtempSync(join(tmpdir(), 'warden-client-print-'));
    configFile = join(dir, 'servers.json');
    // Trusted: this is about what the server asks mid-call, not about approving the call first.
    writeFileSync(configFile, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], trust: 'all' } } }));
  });
  afterAll(async () => {
    await claude.close();
  });

  const run = async (args: string[]) => {
    const cli = startCli(['-p', 'go', '--mcp-config', configFile, ...args], { cwd: dir, env: { HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url } });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  it('declines a question with one stderr line naming the server; answers it from --elicit-json', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_q1', name: 'everything__trigger-elicitation-request', input: {} }]), (r) => text(String(toolResults(r)[0]?.content))(r));
    const declined = await run([]);
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain('warden: server "everything" asked: Please provide inputs for the following fields: — -p declines (give answers with --elicit-json FILE)');
    expect(declined.stdout).toMatch(/declined/i);

    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify({ name: 'Grace Hopper', check: true, integer: 12 }));
    claude.enqueue(toolUse([{ id: 'toolu_q2', name: 'everything__trigger-elicitation-request', input: {} }]), (r) => text(String(toolResults(r)[0]?.content))(r));
    const answered = await run(['--elicit-json', answers]);
    expect(answered.code).toBe(0);
    expect(answered.stderr).toContain('answered from --elicit-json');
    expect(answered.stdout).toContain('Grace Hopper');
    // Fields the file leaves out take the form's defaults; a field it gives keeps its answer.
    expect(answered.stdout).toContain('Favorite Number: 3.14');
    expect(answered.stdout).toContain('Favorite Integer: 12');
    expect(answered.stdout).toContain('It was a dark and stormy night.');

    const bad = await run(['--elicit-json', join(dir, 'missing.json')]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read --elicit-json') });
  });

  it('refuses sampling unless --allow-sampling; the pane line summarises an image', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_s1', name: 'everything__trigger-sampling-request', input: { prompt: 'hi', maxTokens: 20 } }]), text('no'));
    const refused = await run([]);
    expect(refused.stderr).toContain('warden: server "everything" asked to use the model (up to 20 tokens); -p refuses (allow with --allow-sampling)');

    claude.enqueue(
      toolUse([
        { id: 'toolu_s2', name: 'everything__trigger-sampling-request', input: { prompt: 'hi', maxTokens: 20 } },
        { id: 'toolu_img', name: 'everything__get-tiny-image', input: {} },
      ]),
      text('Sampled answer.'),
      text('done'),
    );
    const allowed = await run(['--allow-sampling']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('uses the model (up to 20 tokens), allowed by --allow-sampling');
    expect(allowed.stderr).toMatch(/\[everything › get-tiny-image#\d\] ✓ .*\[image image\/png, [\d.]+ (B|KB)\]/);
    expect(allowed.stderr).not.toMatch(/iVBOR/);
  });
});
