import { describe, expect, it } from 'vitest';
import { Conversation } from '../../agent/core/conversation.js';
import type { TurnEvent } from '../../agent/core/engine-types.js';
import { buildToolCatalog } from '../../agent/core/host/tool-names.js';
import type { ChatModel, ModelRequest, ModelResponse } from '../../agent/core/model/types.js';
import { ToolCallRegistry } from '../../agent/core/tool-calls/registry.js';
import { runTurn, type TurnDeps } from '../../agent/core/turn.js';

/** A model that gives the scripted responses in order and keeps what it was asked. */
function scriptedModel(responses: ModelResponse[]): ChatModel & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    info: { kind: 'demo', name: 'scripted' } as ChatModel['info'],
    requests,
    async respond(request) {
      // A copy: the conversation array grows after the call.
      requests.push({ ...request, messages: structuredClone([...request.messages]) });
      const next = responses.shift();
      if (!next) throw new Error('the script ran out');
      return next;
    },
  };
}

function setup(responses: ModelResponse[]) {
  const model = scriptedModel(responses);
  const toolCalls: string[] = [];
  const catalog = buildToolCatalog([{ server: 'warden', name: 'reverse', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }], { prefix: false });
  const deps: TurnDeps = {
    model,
    tools: {
      prefixNames: false,
      resourceReader: () => undefined,
      prepare: async () => ({ catalog }),
      callTool: async (server, tool) => {
        toolCalls.push(`${server}/${tool}`);
        return { content: [{ type: 'text', text: 'ateb' }] };
      },
    } as TurnDeps['tools'],
    registry: new ToolCallRegistry(),
    conversation: new Conversation(),
    maxTurns: 5,
  };
  const events: TurnEvent[] = [];
  return { deps, model, toolCalls, events, onEvent: (e: TurnEvent) => events.push(e) };
}

const usage = { inputTokens: 10, outputTokens: 4096 };
const notices = (events: TurnEvent[]) => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));

describe('a turn whose reply hit the output token limit (max_tokens)', () => {
  it('keeps the text, ends the turn and tells the user it was cut off', async () => {
    const { deps, events, onEvent } = setup([{ content: [{ type: 'text', text: 'The answer is' }], stopReason: 'max_tokens', usage }]);
    const result = await runTurn(deps, 'explain', { onEvent });
    expect(result).toMatchObject({ text: 'The answer is', stopReason: 'end_turn', usage });
    expect(notices(events)).toEqual(['The reply was cut off at the output token limit.']);
  });

  it('does not run a tool call that was cut off, answers it as not run, and the next turn stays valid', async () => {
    const { deps, model, toolCalls, events, onEvent } = setup([
      {
        content: [
          { type: 'text', text: 'Reversing' },
          { type: 'tool_use', id: 'toolu_1', name: 'reverse', input: { text: 'be' } },
        ],
        stopReason: 'max_tokens',
        usage,
      },
      { content: [{ type: 'text', text: 'Hello again' }], stopReason: 'end_turn', usage },
    ]);
    const result = await runTurn(deps, 'reverse beta', { onEvent });
    expect(result.stopReason).toBe('end_turn');
    expect(result.callIds).toEqual([]);
    expect(toolCalls).toEqual([]);
    expect(deps.registry.snapshot()).toEqual([]);
    expect(notices(events)).toEqual(['The reply was cut off at the output token limit; its tool calls were not run.']);

    await runTurn(deps, 'hello', { onEvent });
    // Every tool_use has its tool_result in the very next message, and roles alternate.
    const sent = model.requests[1]!.messages;
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: expect.stringContaining('Not run: the reply was cut off'), is_error: true },
      { type: 'text', text: 'hello' },
    ]);
  });
});
