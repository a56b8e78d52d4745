import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeModel } from '../../agent/core/model/claude.js';
import { DemoModel } from '../../agent/core/model/demo/model.js';
import type { ChatMessage, ModelRequest } from '../../agent/core/model/types.js';
import { CANCELLED_RESULT } from '../../agent/core/tool-runner.js';
import { plain, startFakeAnthropic, text, type FakeAnthropic } from '../helpers/anthropic-server.js';

/** A turn whose reverse call came back cancelled (or, for contrast, failed with the same words). */
function history(cancelled: boolean): ChatMessage[] {
  return [
    { role: 'user', content: [{ type: 'text', text: 'reverse two' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'reverse', input: { text: 'two' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: CANCELLED_RESULT, is_error: true, ...(cancelled && { cancelled: true as const }) }] },
  ];
}

const request = (messages: ChatMessage[]): ModelRequest => ({ messages, tools: [], signal: new AbortController().signal, onText: () => {}, onNotice: () => {} });
const answer = async (messages: ChatMessage[]) => (await new DemoModel().respond(request(messages))).content.map((b) => (b.type === 'text' ? b.text : '')).join('');

describe('a cancelled tool call is known by its flag, not by its text', () => {
  it('the demo model says the user cancelled the call only when the result is flagged so', async () => {
    expect(await answer(history(true))).toContain('You cancelled reverse("two"), so there is no result for it.');
    // A server's error that happens to use the same sentence is a failure like any other.
    expect(await answer(history(false))).toContain(`reverse("two") failed: ${CANCELLED_RESULT}`);
  });

  describe('Claude', () => {
    let claude: FakeAnthropic;
    beforeEach(async () => {
      claude = await startFakeAnthropic();
    });
    afterEach(async () => {
      await claude.close();
    });

    it('is never sent the flag: the API takes only its own fields', async () => {
      claude.enqueue(text('You cancelled it.'));
      const model = new ClaudeModel({ apiKey: 'sk-ant-test', baseURL: claude.url, model: 'claude-sonnet-5-5' }, { maxRetries: 0 });
      await model.respond(request(history(true)));
      const [sent] = await claude.waitForRequests(1);
      expect(plain(sent!.body.messages.at(-1))).toEqual({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: CANCELLED_RESULT, is_error: true }],
      });
    });
  });
});
