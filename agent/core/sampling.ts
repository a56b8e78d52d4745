import type { CreateMessageRequestParams, CreateMessageResult } from '@modelcontextprotocol/client';
import type { ChatMessage, ChatModel, TextBlock } from './model/types.js';

/**
 * A server's `sampling/createMessage` run on the chat's model, once the front end approved it.
 *
 * Responsible for: turning the server's messages into a model request (text; other content named),
 * and the model's answer into the MCP result; refusing when the user (or -p) did not allow it.
 * Not responsible for: asking the user (the front end's `approve`), nor tools — a sampled
 * answer never calls tools.
 */

/** What the user is shown before a server may use the model. */
export interface SamplingRequest {
  server: string;
  /** The server's messages as plain text, role first (outside text: sanitise before display). */
  prompt: string;
  systemPrompt?: string;
  maxTokens: number;
}

/** The user (or the front end's policy) said no; the server gets an error. */
export class SamplingRefusedError extends Error {
  override readonly name = 'SamplingRefusedError';
}

type SamplingContent = CreateMessageRequestParams['messages'][number]['content'];

function contentText(content: SamplingContent): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts.map((p) => (p.type === 'text' ? p.text : `[${p.type} content]`)).join('\n');
}

export function samplingRequest(server: string, params: CreateMessageRequestParams): SamplingRequest {
  return {
    server,
    prompt: params.messages.map((m) => `${m.role}: ${contentText(m.content)}`).join('\n'),
    ...(params.systemPrompt !== undefined && { systemPrompt: params.systemPrompt }),
    maxTokens: params.maxTokens,
  };
}

export async function runSampling(
  model: ChatModel,
  request: SamplingRequest,
  params: CreateMessageRequestParams,
  approve: (request: SamplingRequest, signal: AbortSignal) => Promise<boolean>,
  signal: AbortSignal,
): Promise<CreateMessageResult> {
  if (!(await approve(request, signal))) throw new SamplingRefusedError(`the user did not allow server "${request.server}" to use the model`);
  const messages: ChatMessage[] = params.messages.map((m) => ({ role: m.role, content: [{ type: 'text', text: contentText(m.content) } satisfies TextBlock] }));
  const response = await model.respond({
    messages,
    tools: [],
    maxTokens: params.maxTokens,
    ...(params.systemPrompt !== undefined && { systemNote: `A connected MCP server asks for this completion. Its instructions: ${params.systemPrompt}` }),
    signal,
    onText: () => undefined,
    onNotice: () => undefined,
  });
  const text = response.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
  return {
    model: model.info.kind === 'claude' ? model.info.model : 'warden-demo',
    role: 'assistant',
    content: { type: 'text', text },
    stopReason: response.stopReason === 'max_tokens' ? 'maxTokens' : 'endTurn',
  };
}
