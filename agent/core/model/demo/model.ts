import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ModelCancelledError, type ChatMessage, type ChatModel, type ModelInfo, type ModelRequest, type ModelResponse, type ToolResultBlock, type ToolUseBlock } from '../types.js';
import { DEMO_FOOTER, DEMO_HELP, demoAnswer } from './answer.js';
import { parseDemoRequest } from './parse.js';

const NO_USAGE = { inputTokens: 0, outputTokens: 0 };

function lastUserText(message: ChatMessage | undefined): string {
  const texts = (message?.content ?? []).filter((b) => b.type === 'text');
  return texts[texts.length - 1]?.text ?? '';
}

/**
 * The offline model used without ANTHROPIC_API_KEY: turns simple requests into the same
 * tool calls Claude would make, through the same loop, and answers from the real results.
 */
export class DemoModel implements ChatModel {
  readonly info: ModelInfo = { kind: 'demo' };
  private nextId = 1;

  async respond(request: ModelRequest): Promise<ModelResponse> {
    const { messages } = request;
    const last = messages[messages.length - 1];
    const results = (last?.content ?? []).filter((b): b is ToolResultBlock => b.type === 'tool_result');
    // Results followed by new user text mean an earlier turn was cut short: that text is the request now.
    if (results.length > 0 && last?.content[last.content.length - 1]?.type === 'tool_result') {
      const calls = (messages[messages.length - 2]?.content ?? []).filter((b): b is ToolUseBlock => b.type === 'tool_use');
      return this.say(demoAnswer(calls, results), request);
    }

    const wanted = parseDemoRequest(lastUserText(last));
    if (wanted.length === 0) return this.say(DEMO_HELP, request);
    const offered = request.tools.map((t) => t.name);
    // With several servers a tool is offered as SERVER__TOOL: the first server that has it answers.
    const offeredName = (name: string): string | undefined => offered.find((o) => o === name) ?? offered.find((o) => o.endsWith(`__${name}`));
    const missing = [...new Set(wanted.filter((c) => !offeredName(c.name)).map((c) => c.name))];
    if (missing.length > 0) {
      const what = offered.length === 0 ? 'no tools' : `only ${offered.join(', ')}`;
      return this.say(`The server offers ${what}, so I cannot call ${missing.join(', ')}.\n\n${DEMO_FOOTER}`, request);
    }
    const content: ToolUseBlock[] = wanted.map((c) => ({ type: 'tool_use', id: `toolu_demo_${this.nextId++}`, name: offeredName(c.name) ?? c.name, input: c.input }));
    return { content, stopReason: 'tool_use', usage: NO_USAGE };
  }

  /** Streams `text` a few words at a time, as a real model would. */
  private async say(text: string, request: ModelRequest): Promise<ModelResponse> {
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
      if (request.signal.aborted) throw new ModelCancelledError();
      request.onText(piece);
      await yieldToLoop();
    }
    return { content: [{ type: 'text', text }], stopReason: 'end_turn', usage: NO_USAGE };
  }
}
