import type { TurnUsage } from './engine-types.js';
import type { ChatMessage, ContentBlock } from './model/types.js';

/** Where a reply came from: for the saved conversation and the cost. */
export interface ReplyInfo {
  model: string;
  stopReason: string;
  usage?: TurnUsage;
  /** Per server, the tokens its tool definitions took in the request (for /cost). */
  toolTokens?: Record<string, number>;
}

/** What changed in the history, for whoever keeps a copy of it (the saved conversation). */
export type ConversationChange =
  | { kind: 'user'; blocks: readonly ContentBlock[] }
  | { kind: 'assistant'; blocks: readonly ContentBlock[]; reply?: ReplyInfo }
  /** The history was replaced (compacted, resumed, cleared). */
  | { kind: 'replaced'; messages: readonly ChatMessage[] };

/**
 * The chat history sent to the model. User content that follows user content (a turn that
 * failed or was cancelled before the model answered) joins the same message, so roles
 * always alternate as the Messages API requires. A reply that carries a compaction block
 * starts the history over: the block stands for everything before it.
 */
export class Conversation {
  private messages: ChatMessage[] = [];

  constructor(private readonly onChange?: (change: ConversationChange) => void) {}

  get all(): readonly ChatMessage[] {
    return this.messages;
  }

  addUser(blocks: ContentBlock[]): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'user') last.content.push(...blocks);
    else this.messages.push({ role: 'user', content: [...blocks] });
    this.onChange?.({ kind: 'user', blocks });
  }

  addAssistant(blocks: ContentBlock[], reply?: ReplyInfo): void {
    // The API refuses empty assistant messages; an empty reply adds nothing worth keeping.
    if (blocks.length === 0) return;
    const message: ChatMessage = { role: 'assistant', content: [...blocks] };
    if (blocks.some((b) => b.type === 'compaction' && b.content !== null)) this.messages = [message];
    else this.messages.push(message);
    this.onChange?.({ kind: 'assistant', blocks, ...(reply && { reply }) });
  }

  /** Replaces the history (a compaction's result, a resumed conversation). */
  replace(messages: readonly ChatMessage[]): void {
    this.messages = messages.map((m) => ({ role: m.role, content: [...m.content] }));
    this.onChange?.({ kind: 'replaced', messages: this.messages });
  }

  clear(): void {
    this.replace([]);
  }
}
