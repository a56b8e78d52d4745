import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conversation } from '../../agent/core/conversation.js';
import { ConversationRecorder } from '../../agent/core/conversations/recorder.js';
import { readConversation } from '../../agent/core/conversations/reader.js';
import { CONVERSATION_ID, CONVERSATION_ID_ARG } from '../../agent/core/conversations/records.js';
import { INTERRUPTED_RESULT, replay } from '../../agent/core/conversations/replay.js';
import { goneLine } from '../../agent/core/conversations/gone.js';
import { ConversationStore } from '../../agent/core/conversations/store.js';
import type { ServerStatus } from '../../agent/core/engine-types.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';
import type { MappedTool } from '../../agent/core/host/tool-names.js';
import { secretScrubber } from '../../agent/core/redaction.js';
import type { ToolCallRecord } from '../../agent/core/tool-calls/types.js';
import { takeOptionalFlag } from '../../config/flags.js';

const API_KEY = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
const HEADER = 'hdr-value-7f3a9c2e';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2lnbmF0dXJlLXZhbHVl';

function setup(cwd = '/projects/one') {
  const dir = mkdtempSync(join(tmpdir(), 'warden-conversations-'));
  const store = new ConversationStore(dir);
  let clock = Date.UTC(2026, 11, 7, 9, 30);
  const now = () => (clock += 1000);
  const errors: string[] = [];
  const recorder = new ConversationRecorder({ store, cwd, now, scrub: secretScrubber([API_KEY, HEADER]), onError: (e) => errors.push(e) });
  recorder.setSession({ model: 'claude-sonnet-5-5', servers: [{ name: 'files', transport: 'stdio', target: 'node files.js' }] });
  const conversation = new Conversation((change) => recorder.change(change));
  return { dir, store, recorder, conversation, errors, path: () => store.pathOf(recorder.id) };
}

/** The records of a saved file, in order. */
const recordsOf = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

const call = (patch: Partial<ToolCallRecord>): ToolCallRecord => ({
  id: 'toolu_1',
  tool: 'read_file',
  server: 'files',
  args: { path: 'notes.md' },
  status: 'queued',
  progressEvents: 0,
  startedAt: Date.UTC(2026, 11, 7, 9, 30),
  ...patch,
});

describe('a saved conversation file', () => {
  it('is created with the first prompt (not before), private, one JSON object a line, and replays to the same history', () => {
    const { conversation, recorder, path, store } = setup();
    expect(recorder.saved).toBe(false);
    expect(CONVERSATION_ID.test(recorder.id)).toBe(true);
    conversation.addUser([{ type: 'text', text: 'read my notes' }]);
    conversation.addAssistant([{ type: 'tool_use', id: 'toolu_1', name: 'files__read_file', input: { path: 'notes.md' } }], {
      model: 'claude-sonnet-5-5',
      stopReason: 'tool_use',
      usage: { inputTokens: 12, outputTokens: 8, cacheReadInputTokens: 900 },
    });
    recorder.call(call({}));
    recorder.call(call({ status: 'done', result: 'buy milk', endedAt: Date.UTC(2026, 11, 7, 9, 30, 2) }));
    conversation.addUser([{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'buy milk' }]);
    conversation.addAssistant([{ type: 'text', text: 'Your notes say: buy milk.' }]);
    recorder.close();

    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    const lines = readFileSync(path(), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['conversation', 'session', 'user', 'assistant', 'call', 'call', 'user', 'assistant']);

    const replayed = replay(lines.map((l) => JSON.parse(l)));
    expect(replayed.messages).toEqual(conversation.all);
    expect(replayed.interrupted).toEqual([]);
    expect(replayed.toolsUsed).toEqual([{ server: 'files', tool: 'read_file' }]);
    expect(replayed.history.map((h) => h.kind)).toEqual(['user', 'call', 'assistant']);
    expect(replayed.history[1]).toMatchObject({ kind: 'call', call: { status: 'done', result: 'buy milk', server: 'files', tool: 'read_file' } });
  });

  it('a resource the user attached (@server:uri) goes back to the model, while the resumed transcript shows what was typed', () => {
    const { conversation, recorder, path } = setup();
    const attached = { type: 'text' as const, text: '[attached by the user: @docs:file:///a.md]\n[resource file:///a.md (text/markdown)]\n# A' };
    conversation.addUser([{ type: 'text', text: 'summarize @docs:file:///a.md' }, attached]);
    conversation.addAssistant([{ type: 'text', text: 'It is about A.' }]);
    recorder.close();
    const replayed = replay(
      readFileSync(path(), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
    expect(replayed.messages[0]?.content).toEqual([{ type: 'text', text: 'summarize @docs:file:///a.md' }, attached]);
    expect(replayed.history[0]).toEqual({ kind: 'user', text: 'summarize @docs:file:///a.md' });
  });

  it('keeps the approval of each call, and a huge result once: whole for the model, trimmed in the call’s record', () => {
    const { conversation, recorder, path } = setup();
    const huge = `${'line of the file\n'.repeat(2000)}THE END`;
    conversation.addUser([{ type: 'text', text: 'read everything' }]);
    conversation.addAssistant([{ type: 'tool_use', id: 'toolu_1', name: 'files__read_file', input: { path: 'big.txt' } }]);
    recorder.approval({ server: 'files', tool: 'read_file', decision: 'allow', source: 'you (always)', args: { path: 'big.txt' }, callId: 'toolu_1' });
    recorder.call(call({ status: 'done', result: huge, endedAt: Date.UTC(2026, 11, 7, 9, 30, 2) }));
    conversation.addUser([{ type: 'tool_result', tool_use_id: 'toolu_1', content: huge }]);
    recorder.close();
    const records = recordsOf(path());
    expect(records.find((r) => r.type === 'approval')).toMatchObject({ callId: 'toolu_1', server: 'files', tool: 'read_file', decision: 'allow', source: 'you (always)' });
    const saved = records.find((r) => r.type === 'call');
    expect(saved.result.length).toBeLessThanOrEqual(1000);
    expect(huge.startsWith(saved.result)).toBe(true);
    const file = readFileSync(path(), 'utf8');
    expect(file.split('THE END')).toHaveLength(2);
    expect(replay(records).messages.at(-1)?.content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: huge }]);
  });

  it('keeps secrets out: the API key, header values, JWTs and secret arguments never reach the file', () => {
    const { conversation, recorder, path } = setup();
    conversation.addUser([{ type: 'text', text: `my key is ${API_KEY}, please check header ${HEADER}` }]);
    conversation.addAssistant([{ type: 'tool_use', id: 'toolu_1', name: 'files__login', input: { user: 'dev', password: 'hunter2hunter2', note: `Bearer ${JWT}` } }]);
    recorder.call(call({ tool: 'login', args: { user: 'dev', password: 'hunter2hunter2' } }));
    conversation.addUser([{ type: 'tool_result', tool_use_id: 'toolu_1', content: `token: ${JWT}\nAuthorization: Bearer abcdefghijklmnop` }]);
    recorder.close();
    const file = readFileSync(path(), 'utf8');
    for (const secret of [API_KEY, HEADER, JWT, 'hunter2hunter2', 'abcdefghijklmnop']) expect(file).not.toContain(secret);
    expect(file).toContain('[redacted]');
    expect(file).toContain('please check header');
  });

  it('a call the crash interrupted is answered with an error result, never left dangling, and shown as interrupted', () => {
    const { conversation, recorder, path } = setup();
    conversation.addUser([{ type: 'text', text: 'reverse abc' }]);
    conversation.addAssistant([
      { type: 'text', text: 'On it.' },
      { type: 'tool_use', id: 'toolu_9', name: 'reverse', input: { text: 'abc' } },
    ]);
    recorder.call(call({ id: 'toolu_9', tool: 'reverse', server: undefined, args: { text: 'abc' }, status: 'running' }));
    // SIGKILL here: no result, no end record.
    recorder.close();
    const replayed = replay(recordsOf(path()));
    expect(replayed.interrupted).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_9', content: INTERRUPTED_RESULT, is_error: true }]);
    expect(replayed.history.at(-1)).toMatchObject({ kind: 'call', call: { tool: 'reverse', status: 'error', error: 'interrupted: Warden stopped while it ran' } });
  });

  it('a torn last line (a crash mid-write) is skipped with a notice; the rest is read', async () => {
    const { conversation, recorder, path } = setup();
    conversation.addUser([{ type: 'text', text: 'hello' }]);
    conversation.addAssistant([{ type: 'text', text: 'hi' }]);
    recorder.close();
    appendFileSync(path(), '{"type":"user","at":"2026-12-07T09:31:00.000Z","content":[{"type":"te');
    const read = await readConversation(path());
    expect(read.notices).toEqual(['The last entry of the saved conversation was cut off while it was being written (Warden stopped); it was skipped.']);
    expect(replay(read.records).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'hi' }] },
    ]);
  });

  it('a compaction block in a reply starts the history over; a local compaction replaces it', () => {
    const { conversation, recorder, path } = setup();
    conversation.addUser([{ type: 'text', text: 'one' }]);
    conversation.addAssistant([{ type: 'text', text: 'two' }]);
    conversation.addUser([{ type: 'text', text: 'three' }]);
    conversation.addAssistant([
      { type: 'compaction', content: 'Summary: one, two, three.', encrypted_content: 'opaque+/=eyJ' },
      { type: 'text', text: 'four' },
    ]);
    expect(conversation.all).toHaveLength(1);
    const summary = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Earlier: one to four.' }] }];
    conversation.replace(summary);
    recorder.compaction({ how: 'local-summary', tokensBefore: 900, tokensAfter: 20, summary: 'one to four', messages: summary });
    conversation.addAssistant([{ type: 'text', text: 'five' }]);
    recorder.close();
    const records = recordsOf(path());
    // The opaque field is sent back verbatim: it is not scrubbed.
    expect(JSON.stringify(records)).toContain('opaque+/=eyJ');
    const replayed = replay(records);
    expect(replayed.messages).toEqual(conversation.all);
    expect(replayed.history.filter((h) => h.kind === 'compaction')).toEqual([
      { kind: 'compaction', compaction: { how: 'local-summary', tokensBefore: 900, tokensAfter: 20, summary: 'one to four' } },
    ]);
  });

  it('a write failure is reported once and the conversation goes on unsaved', () => {
    const { conversation, errors, store, recorder } = setup();
    // The conversation's path is taken by a directory: opening it for append fails.
    writeFileSync(join(store.dir, 'x'), '');
    const blocked = new ConversationRecorder({ store: new ConversationStore(join(store.dir, 'x')), cwd: '/p', now: Date.now, scrub: (t) => t, onError: (e) => errors.push(e) });
    const c = new Conversation((change) => blocked.change(change));
    c.addUser([{ type: 'text', text: 'a' }]);
    c.addUser([{ type: 'text', text: 'b' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^cannot save the conversation to .*: .*; it goes on unsaved$/);
    expect(c.all[0]?.content).toHaveLength(2);
    conversation.addUser([{ type: 'text', text: 'unaffected' }]);
    expect(recorder.saved).toBe(true);
  });
});

describe('the saved conversations', () => {
  it('are listed newest first with the first prompt and size; the latest of a directory and an ID prefix are found', async () => {
    const first = setup('/projects/one');
    first.conversation.addUser([{ type: 'text', text: 'first question' }]);
    first.recorder.close();
    const second = new ConversationRecorder({ store: first.store, cwd: '/projects/two', now: () => Date.UTC(2026, 11, 7, 10), scrub: (t) => t });
    new Conversation((c) => second.change(c)).addUser([{ type: 'text', text: 'elsewhere' }]);
    second.close();
    // The other directory's file was written to last.
    const later = new Date(Date.now() + 60_000);
    const { utimesSync } = await import('node:fs');
    utimesSync(first.store.pathOf(second.id), later, later);

    const list = await first.store.list();
    expect(list.map((c) => c.firstPrompt)).toEqual(['elsewhere', 'first question']);
    expect(list[1]).toMatchObject({ id: first.recorder.id, cwd: '/projects/one' });
    expect(list[1]?.bytes).toBeGreaterThan(100);
    expect((await first.store.latest('/projects/one'))?.id).toBe(first.recorder.id);
    expect(await first.store.latest('/projects/three')).toBeUndefined();
    expect((await first.store.find(first.recorder.id.slice(0, 15))).id).toBe(first.recorder.id);
    await expect(first.store.find('20991231-000000-ffff')).rejects.toThrow('no saved conversation "20991231-000000-ffff" (warden --resume lists them)');
  });
});

describe('--resume [ID] on the command line', () => {
  const take = (args: string[]) => takeOptionalFlag(args, ['--resume', '-r'], (a) => CONVERSATION_ID_ARG.test(a));

  it('takes an ID when one follows, and leaves a prompt alone', () => {
    expect(take(['-r'])).toEqual({ rest: [], present: true });
    expect(take(['-r', '20261207-093001-a1b2', '-p', 'go on'])).toEqual({ rest: ['-p', 'go on'], present: true, value: '20261207-093001-a1b2' });
    expect(take(['--resume', 'reverse abc'])).toEqual({ rest: ['reverse abc'], present: true });
    expect(take(['--resume=20261207'])).toEqual({ rest: [], present: true, value: '20261207' });
    expect(take(['-p', 'x'])).toEqual({ rest: ['-p', 'x'], present: false });
  });
});

describe('what a resumed conversation used that is gone', () => {
  const server = (name: string): ServerConfig => ({ name, source: { kind: 'flag', file: 'f.json' }, type: 'http', url: `http://127.0.0.1/${name}`, headers: {} });
  const status = (name: string, state: 'connected' | 'failed'): ServerStatus => ({
    name,
    transport: 'http',
    target: name,
    connection: state === 'connected' ? { state, toolCount: 1 } : { state, error: 'down' },
    auth: { state: 'disabled' },
  });
  const offered = (server: string, tool: string) => ({ server, tool }) as MappedTool;

  it('names servers no longer configured and tools a connected server no longer offers; a server only down now is not gone', () => {
    expect(
      goneLine({
        savedServers: ['alpha', 'beta', 'gamma'],
        toolsUsed: [
          { server: 'alpha', tool: 'reverse' },
          { server: 'alpha', tool: 'old_tool' },
          { server: 'beta', tool: 'anything' },
          { server: 'gamma', tool: 'x' },
        ],
        configured: [server('alpha'), server('beta')],
        statuses: [status('alpha', 'connected'), status('beta', 'failed')],
        offered: [offered('alpha', 'reverse')],
      }),
    ).toBe('Gone since this conversation was saved: server gamma; tool alpha › old_tool.');
    expect(
      goneLine({
        savedServers: ['alpha'],
        toolsUsed: [{ server: 'alpha', tool: 'reverse' }],
        configured: [server('alpha')],
        statuses: [status('alpha', 'connected')],
        offered: [offered('alpha', 'reverse')],
      }),
    ).toBeUndefined();
  });
});
