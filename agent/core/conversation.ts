import type { ChatMessage, ContentBlock } from './model/types.js';

/**
 * The chat history sent to the model. User content that follows user content (a turn that
 * failed or was cancelled before the model answered) joins the same message, so roles
 * always alternate as the Messages API requires.
 */
export class Conversation {
  private messages: ChatMessage[] = [];

  get all(): readonly ChatMessage[] {
    return this.messages;
  }

  addUser(blocks: ContentBlock[]): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'user') last.content.push(...blocks);
    else this.messages.push({ role: 'user', content: [...blocks] });
  }

  addAssistant(blocks: ContentBlock[]): void {
    // The API refuses empty assistant messages; an empty reply adds nothing worth keeping.
    if (blocks.length > 0) this.messages.push({ role: 'assistant', content: [...blocks] });
  }

  clear(): void {
    this.messages = [];
  }
}
