import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { probeServer } from '../../agent/core/host/probe.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import type { SamplingRequest } from '../../agent/core/sampling.js';
import { startFakeAnthropic, text, toolResults, toolUse, type FakeAnthropic, type RecordedRequest } from '../helpers/anthropic-server.js';
import { EVERYTHING } from '../helpers/server-everything.js';

/**
 * Warden as a complete MCP client against the reference server it did not write
 * (`@modelcontextprotocol/server-everything`, stdio), driven through the agent with the scripted
 * Messages API: what the server may ask (roots, elicitation, sampling) is answered, and what it
 * returns (images, embedded resources, resource links, structured content) reaches the model.
 */

describe('server-everything through the agent', () => {
  let claude: FakeAnthropic;
  let engine: AgentEngine;
  const extraRoot = mkdtempSync(join(tmpdir(), 'warden-root-'));
  const elicited: Array<{ server: string; message: string; fields: string[]; callId?: string }> = [];
  const samplingAsked: SamplingRequest[] = [];
  let allowSampling = true;

  const everything: ServerConfig = {
    name: 'everything',
    source: { kind: 'flag', file: 'test.json' },
    type: 'stdio',
    command: process.execPath,
    args: [EVERYTHING, 'stdio'],
    env: {},
  };
  const logDir = mkdtempSync(join(tmpdir(), 'warden-everything-logs-'));

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url, WARDEN_MCP_ROOTS: extraRoot }, { noAuth: true });
    config.servers = [everything];
    engine = createAgentEngine(config, {
      logDir,
      cwd: process.cwd(),
      elicit: async (server, params, _signal, callId) => {
        const fields = 'requestedSchema' in params ? Object.keys(params.requestedSchema.properties) : [];
        elicited.push({ server, message: params.message, fields, ...(callId && { callId }) });
        return { action: 'accept', content: { name: 'Ada Lovelace', check: true, integer: 7 } };
      },
      approveSampling: async (request) => {
        samplingAsked.push(request);
        return allowSampling;
      },
    });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  /** One turn in which the model calls `tool` once; returns the request that carried its result. */
  async function callOnce(tool: string, input: Record<string, unknown>, id: string): Promise<RecordedRequest> {
    const before = claude.requests.length;
    claude.enqueue(toolUse([{ id, name: `everything__${tool}`, input }]), text('ok'));
    const result = await engine.runTurn(`use ${tool}`);
    expect(result.stopReason).toBe('end_turn');
    const [, second] = await claude.waitForRequests(before + 2).then((all) => all.slice(before));
    return second!;
  }

  it('declares roots, elicitation and sampling, so the server offers the tools that need them; a task-only tool is withheld with a note', async () => {
    const tools = await engine.listTools();
    const names = tools.filter((t) => !t.withheld).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['get-roots-list', 'trigger-elicitation-request', 'trigger-sampling-request']));
    expect(tools.find((t) => t.name === 'simulate-research-query')).toMatchObject({ withheld: expect.stringContaining('task') });
    claude.enqueue(text('hi'));
    await engine.runTurn('hello');
    const offered = claude.requests.at(-1)?.body.tools?.map((t) => t.name) ?? [];
    expect(offered).toContain('everything__get-roots-list');
    expect(offered).not.toContain('everything__simulate-research-query');
  });

  it("one tool count: /mcp and the status bar, /tools (withheld ones apart), the model's list and `warden mcp list` say the same number", async () => {
    const status = engine.getStatus();
    const connection = status.servers[0]?.connection;
    if (connection?.state !== 'connected') throw new Error(`not connected: ${connection?.state}`);
    const count = connection.toolCount;
    // The status bar's count with one server, and what the model was offered.
    expect(status.connection).toMatchObject({ state: 'connected', toolCount: count });
    expect((await engine.listTools()).filter((t) => !t.withheld)).toHaveLength(count);
    claude.enqueue(text('hi'));
    await engine.runTurn('hello');
    expect(claude.requests.at(-1)?.body.tools).toHaveLength(count);
    // warden mcp list: the same capabilities declared, the same tools counted, its filter applied.
    const [listed, filtered] = await Promise.all([
      probeServer(everything, { env: {}, logDir, timeoutMs: 30_000 }),
      probeServer({ ...everything, tools: { exclude: ['echo'] } }, { env: {}, logDir, timeoutMs: 30_000 }),
    ]);
    expect(listed).toEqual({ ok: true, tools: count });
    expect(filtered).toEqual({ ok: true, tools: count - 1 });
  });

  it('gives the working directory and the configured roots as file:// roots', async () => {
    const request = await callOnce('get-roots-list', {}, 'toolu_roots');
    const content = String(toolResults(request)[0]?.content);
    expect(content).toContain(pathToFileURL(process.cwd()).href);
    expect(content).toContain(pathToFileURL(extraRoot).href);
  });

  it('tells the server when the roots change (roots/list_changed), and it sees the new ones', async () => {
    const other = mkdtempSync(join(tmpdir(), 'warden-root-2-'));
    const updates = (): number => engine.serverLogs('everything').filter((l) => l.text.startsWith('Roots updated')).length;
    const before = updates();
    await engine.setRoots([other]);
    // On the notification the server asks for the list again, and logs (at info: kept, not shown) that it did.
    await vi.waitFor(() => expect(updates()).toBeGreaterThan(before), { timeout: 5000 });
    const content = String(toolResults(await callOnce('get-roots-list', {}, 'toolu_roots_2'))[0]?.content);
    expect(content).toContain(pathToFileURL(other).href);
    expect(content).not.toContain(pathToFileURL(extraRoot).href);
  });

  it('sends an image result to the model as an image block; the pane shows a one-line summary', async () => {
    const request = await callOnce('get-tiny-image', {}, 'toolu_image');
    const [result] = toolResults(request);
    expect(result?.content).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'image', source: expect.objectContaining({ type: 'base64', media_type: 'image/png', data: expect.stringMatching(/^iVBOR/) }) }),
      ]),
    );
    expect(engine.registry.get('toolu_image')?.result).toMatch(/\[image image\/png, \d+(\.\d)? (B|KB)\]/);
    expect(engine.registry.get('toolu_image')?.result).not.toMatch(/iVBOR/);
  });

  it('gives the model the text of an embedded resource and of resource links read with resources/read', async () => {
    const embedded = await callOnce('get-resource-reference', { resourceType: 'Text', resourceId: 1 }, 'toolu_res');
    expect(String(toolResults(embedded)[0]?.content)).toMatch(/Resource 1: This is a plaintext resource/);
    expect(engine.registry.get('toolu_res')?.result).toMatch(/\[resource demo:\/\/resource\/dynamic\/text\/1: text, text\/plain, \d+ B\]/);

    const linked = await callOnce('get-resource-links', { count: 2 }, 'toolu_links');
    const content = String(toolResults(linked)[0]?.content);
    expect(content).toMatch(/\[resource link demo:\/\/resource\/dynamic\/text\/2/);
    expect(content).toMatch(/Resource 2: This is a plaintext resource/);
    // The blob link's contents are described, not pasted.
    expect(content).toMatch(/binary, .*B; not shown to the model/);
  });

  it('asks the front end an elicitation question with its fields and sends the answer back', async () => {
    const request = await callOnce('trigger-elicitation-request', {}, 'toolu_elicit');
    // Attached to the call that was running on that server when it asked.
    expect(elicited.at(-1)).toMatchObject({
      server: 'everything',
      callId: 'toolu_elicit',
      message: expect.stringContaining('Please provide'),
      fields: expect.arrayContaining(['name', 'check', 'integer']),
    });
    expect(String(toolResults(request)[0]?.content)).toMatch(/Ada Lovelace/);
  });

  it('runs sampling on the chat model once approved (showing server, prompt and token limit); refused, the server gets an error', async () => {
    const before = claude.requests.length;
    claude.enqueue(toolUse([{ id: 'toolu_sample', name: 'everything__trigger-sampling-request', input: { prompt: 'name a colour', maxTokens: 40 } }]), text('Teal.'), text('done'));
    await engine.runTurn('sample');
    expect(samplingAsked.at(-1)).toMatchObject({ server: 'everything', prompt: expect.stringContaining('name a colour'), maxTokens: 40 });
    const [, sampled, last] = (await claude.waitForRequests(before + 3)).slice(before);
    expect(JSON.stringify(sampled?.body.messages)).toContain('name a colour');
    expect(sampled?.body.tools ?? []).toHaveLength(0);
    // The server's token limit is the request's.
    expect(sampled?.body.max_tokens).toBe(40);
    expect(String(toolResults(last!)[0]?.content)).toContain('Teal.');

    allowSampling = false;
    const refused = await callOnce('trigger-sampling-request', { prompt: 'again', maxTokens: 10 }, 'toolu_sample_no');
    expect(toolResults(refused)[0]).toMatchObject({ is_error: true, content: expect.stringContaining('did not allow server "everything" to use the model') });
    // Refused before the model: only the turn's two requests went out.
    expect(claude.requests.length).toBe(before + 5);
  });
});

describe('server questions wait on the asking call for the front end (the chat panel path)', () => {
  let claude: FakeAnthropic;
  let engine: AgentEngine;

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    const config = loadAgentConfig({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url }, { noAuth: true });
    config.servers = [{ name: 'everything', source: { kind: 'flag', file: 'test.json' }, type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {} }];
    engine = createAgentEngine(config, { logDir: mkdtempSync(join(tmpdir(), 'warden-everything-logs-')) });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await claude.close();
  });

  /** Resolves with the call once its record carries a question. */
  const questionOn = (id: string): Promise<NonNullable<ReturnType<AgentEngine['registry']['get']>>> =>
    new Promise((resolve) => {
      const check = (): void => {
        const record = engine.registry.get(id);
        if (!record?.question) return;
        stop();
        resolve(record);
      };
      const stop = engine.registry.subscribe(check);
      check();
    });

  it("an elicitation becomes the call's form question; the answer goes back to the server", async () => {
    claude.enqueue(toolUse([{ id: 'toolu_form', name: 'everything__trigger-elicitation-request', input: {} }]), (r) => text(String(toolResults(r)[0]?.content))(r));
    const turn = engine.runTurn('ask me');
    const waiting = await questionOn('toolu_form');
    expect(waiting.question).toMatchObject({ kind: 'elicitation', server: 'everything', mode: 'form', message: expect.stringContaining('Please provide') });
    const fields = waiting.question?.kind === 'elicitation' && waiting.question.mode === 'form' ? waiting.question.fields : [];
    expect(fields.find((f) => f.name === 'name')).toMatchObject({ kind: 'string', required: true });
    expect(engine.answerCall('toolu_form', { kind: 'elicitation', action: 'accept', content: { name: 'Grace Hopper' } })).toBe(true);
    expect((await turn).text).toContain('User provided the requested information');
    expect(String(toolResults(claude.requests.at(-1)!)[0]?.content)).toContain('Grace Hopper');
  });

  it('sampling waits for the user on the call: allowed, it runs on the chat model', async () => {
    claude.enqueue(toolUse([{ id: 'toolu_samp', name: 'everything__trigger-sampling-request', input: { prompt: 'pick a number', maxTokens: 12 } }]), text('Seven.'), text('ok'));
    const turn = engine.runTurn('sample');
    const waiting = await questionOn('toolu_samp');
    expect(waiting.question).toMatchObject({ kind: 'sampling', server: 'everything', maxTokens: 12, prompt: expect.stringContaining('pick a number') });
    expect(engine.answerCall('toolu_samp', { kind: 'sampling', allowed: true })).toBe(true);
    await turn;
    expect(String(toolResults(claude.requests.at(-1)!)[0]?.content)).toContain('Seven.');
  });
});
