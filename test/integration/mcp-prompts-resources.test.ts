import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, TurnEvent } from '../../agent/core/engine-types.js';
import { startFakeAnthropic, text, type FakeAnthropic, type RecordedRequest } from '../helpers/anthropic-server.js';
import { startCli } from '../helpers/cli-process.js';
import { EVERYTHING } from '../helpers/server-everything.js';

/**
 * MCP prompts as `/server:prompt` and resources as `@server:uri` (issue 23 §5), against the
 * reference server (`@modelcontextprotocol/server-everything`, stdio) and the scripted Messages
 * API: what the model receives, what completes, what the user is told.
 */
const DOC = 'demo://resource/static/document/architecture.md';

describe('MCP prompts and resources from the input line', () => {
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [
      { name: 'everything', source: { kind: 'flag', file: 'test.json' }, type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {} },
      // A second server without prompts or resources: mentions of it stay text.
      { name: 'other', source: { kind: 'flag', file: 'test.json' }, type: 'stdio', command: process.execPath, args: ['-e', 'process.exit(3)'], env: {} },
    ];
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-prompts-logs-')), cwd: process.cwd() });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  /** Runs one turn the model answers with "ok" (unless it should not reach the model); returns the request, the events and the result. */
  async function turn(line: string, reaches = true): Promise<{ request: RecordedRequest | undefined; events: TurnEvent[]; error?: string }> {
    const before = claude.requests.length;
    if (reaches) claude.enqueue(text('ok'));
    const events: TurnEvent[] = [];
    const result = await engine.runTurn(line, { onEvent: (e) => events.push(e) });
    const request = claude.requests.length > before ? claude.requests.at(-1) : undefined;
    return { request, events, ...(result.error !== undefined && { error: result.error }) };
  }

  const lastUser = (request: RecordedRequest | undefined) => {
    const content = request?.body.messages.at(-1)?.content;
    // The prompt cache's breakpoint is not content.
    return (Array.isArray(content) ? content : [{ type: 'text', text: String(content) }]).map(({ cache_control: _, ...block }) => block);
  };

  it('lists the server’s prompts with their arguments and how each is typed', async () => {
    const prompts = await engine.listPrompts();
    expect(prompts.map((p) => p.usage)).toEqual(
      expect.arrayContaining([
        '/everything:simple-prompt',
        '/everything:args-prompt CITY [STATE]',
        '/everything:completable-prompt DEPARTMENT NAME',
        '/everything:resource-prompt RESOURCETYPE RESOURCEID',
      ]),
    );
    expect(prompts.find((p) => p.name === 'args-prompt')).toMatchObject({ server: 'everything', description: expect.stringContaining('two arguments') });
  });

  it('/server:prompt args sends the prompt’s messages to the model, words given to its arguments in order', async () => {
    const { request, events } = await turn('/everything:args-prompt Paris Texas');
    expect(lastUser(request)).toEqual([{ type: 'text', text: "What's weather in Paris, Texas?" }]);
    expect(events).toContainEqual({ type: 'attached', what: 'prompt', server: 'everything', name: 'args-prompt' });
    // name=value names an argument; an embedded resource arrives as its text.
    const embedded = await turn('/everything:resource-prompt resourceId=2 Text');
    expect(
      lastUser(embedded.request)
        .map((b) => b.text)
        .join('\n'),
    ).toMatch(/include[s]? the Text resource with id: 2[\s\S]*\[resource demo:\/\/resource\/dynamic\/text\/2 \(text\/plain\)\]\nResource 2: This is a plaintext resource/);
  });

  it('lines after the command (a message queued behind it) follow the prompt as text, their mentions attached', async () => {
    const { request } = await turn(`/everything:args-prompt Oslo\n\nAnd bring @everything:${DOC}`);
    const blocks = lastUser(request);
    expect(blocks.slice(0, 2)).toEqual([
      { type: 'text', text: "What's weather in Oslo?" },
      { type: 'text', text: `And bring @everything:${DOC}` },
    ]);
    expect(blocks[2]?.text).toMatch(/^\[attached by the user: @everything:demo:/);
  });

  it('a missing required argument or an unknown prompt is one line and nothing reaches the model', async () => {
    const missing = await turn('/everything:args-prompt', false);
    expect(missing.request).toBeUndefined();
    expect(missing.error).toBe('/everything:args-prompt needs city: /everything:args-prompt CITY [STATE]');
    const unknown = await turn('/everything:no-such', false);
    expect(unknown.request).toBeUndefined();
    expect(unknown.error).toMatch(/^server "everything" has no prompt "no-such"; it has \/everything:simple-prompt, /);
    // Not a configured server: the line is text for the model.
    const textLine = await turn('/usr:local is where it goes');
    expect(lastUser(textLine.request)).toEqual([{ type: 'text', text: '/usr:local is where it goes' }]);
  });

  it('completes a prompt’s argument through completion/complete, the earlier arguments as context', async () => {
    expect((await engine.completePromptArgument('everything', 'completable-prompt', [], 'Eng')).map((c) => c.value)).toEqual(['Engineering']);
    expect((await engine.completePromptArgument('everything', 'completable-prompt', ['Sales'], '')).map((c) => c.value)).toEqual(['David', 'Eve', 'Frank']);
    expect(await engine.completePromptArgument('everything', 'completable-prompt', ['Sales', 'Eve'], '')).toEqual([]);
    expect(await engine.completePromptArgument('nowhere', 'x', [], '')).toEqual([]);
  });

  it('@server:uri attaches the resource after the text; one that cannot be read is said and left as typed', async () => {
    const { request, events } = await turn(`summarize @everything:${DOC}.`);
    const blocks = lastUser(request);
    expect(blocks[0]).toEqual({ type: 'text', text: `summarize @everything:${DOC}.` });
    expect(blocks[1]?.text).toMatch(new RegExp(`^\\[attached by the user: @everything:${DOC}\\]\\n\\[resource ${DOC} \\(text/markdown\\)\\]\\n# Everything Server`));
    expect(events).toContainEqual({ type: 'attached', what: 'resource', server: 'everything', name: DOC, detail: expect.stringMatching(/^text\/markdown, [\d.]+ KB$/) });

    const missing = await turn('read @everything:demo://resource/static/document/none.md and @someone:else');
    expect(lastUser(missing.request)).toHaveLength(1);
    expect(missing.events).toContainEqual({
      type: 'notice',
      message: expect.stringMatching(/^Could not attach @everything:demo:\/\/resource\/static\/document\/none\.md: .+ \(left as typed\)$/),
    });
  });

  it('completes @ mentions: servers with resources, their resources, then a template’s variable', async () => {
    expect((await engine.completeMention('ev')).map((c) => c.value)).toEqual(['@everything:']);
    expect(await engine.completeMention('oth')).toEqual([]);
    const listed = await engine.completeMention('everything:demo://resource/static/document/arch');
    expect(listed).toEqual([expect.objectContaining({ value: `@everything:${DOC}`, label: 'architecture.md', complete: true })]);
    const templates = await engine.completeMention('everything:demo://resource/dyn');
    expect(templates.map((c) => c.value)).toEqual(['@everything:demo://resource/dynamic/text/', '@everything:demo://resource/dynamic/blob/']);
    expect(templates.every((c) => !c.complete)).toBe(true);
    const variable = await engine.completeMention('everything:demo://resource/dynamic/text/7');
    expect(variable).toEqual([expect.objectContaining({ value: '@everything:demo://resource/dynamic/text/7', complete: true })]);
  });

  it('warden -p runs a prompt and attaches a mention too: a line each on stderr, an `attached` event in stream-json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-prompts-print-'));
    const config = join(home, 'servers.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } }));
    const run = async (args: string[]) => {
      const cli = startCli(['-p', '--mcp-config', config, ...args], { env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, cwd: home });
      return { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
    };
    claude.enqueue(text('Sunny.'));
    const prompt = await run(['/everything:args-prompt Lyon']);
    expect(prompt).toMatchObject({ code: 0, stdout: 'Sunny.\n' });
    expect(prompt.stderr).toContain('warden: ran the MCP prompt everything › args-prompt\n');
    expect(lastUser(claude.requests.at(-1))).toEqual([{ type: 'text', text: "What's weather in Lyon?" }]);

    claude.enqueue(text('Read it.'));
    const mention = await run(['--output', 'stream-json', `read @everything:${DOC}`]);
    expect(mention.code).toBe(0);
    const events = mention.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toContainEqual({ type: 'attached', what: 'resource', server: 'everything', name: DOC, detail: expect.stringMatching(/^text\/markdown, /) });
  });
});
