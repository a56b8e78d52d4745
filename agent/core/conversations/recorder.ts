/**
 * Saves the conversation as it goes: the engine tells it what happened (history changes, calls
 * starting and ending, approvals, compactions, the model and servers in use) and it appends one
 * record each to the conversation's file, with every secret taken out first: the literal values
 * the session knows (API key, servers' header values and environment), secret-shaped text (JWTs,
 * `Bearer …`, key prefixes) and argument values the audit log would redact.
 *
 * Not responsible for: the file (writer.ts), the format (records.ts), rebuilding (replay.ts). The
 * file is created with the first record worth keeping, so a chat left without a prompt leaves none.
 */
import type { ConversationChange } from '../conversation.js';
import type { TurnUsage } from '../engine-types.js';
import type { ContentBlock } from '../model/types.js';
import type { AuditEntry } from '../permissions/audit-log.js';
import { redactArgs } from '../redaction.js';
import type { ToolCallRecord } from '../tool-calls/types.js';
import { TERMINAL_STATUSES } from '../tool-calls/types.js';
import { CONVERSATION_VERSION, newConversationId, type CompactionRecord, type ConversationRecord, type SessionRecord } from './records.js';
import type { ConversationStore } from './store.js';
import { ConversationWriter } from './writer.js';

export interface RecorderOptions {
  store: ConversationStore;
  /** The directory the conversation belongs to. */
  cwd: string;
  now: () => number;
  /** Takes known secrets and secret-shaped runs out of free text. */
  scrub: (text: string) => string;
  onError?: (message: string) => void;
}

/** What the transcript keeps of a result (the model's copy is whole, in the user record). */
const SUMMARY_CHARS = 1000;
/** Fields a server hands us to send back verbatim: opaque, never shown, never ours to change. */
const OPAQUE = new Set(['encrypted_content', 'signature', 'data']);

export class ConversationRecorder {
  private writer: ConversationWriter | undefined;
  private currentId: string;
  /** The conversation's file holds a header already (started here, or resumed). */
  private hasHeader = false;
  private lastSession = '';
  private session: Omit<SessionRecord, 'type' | 'at'> | undefined;

  constructor(private readonly options: RecorderOptions) {
    this.currentId = newConversationId(options.now());
  }

  get id(): string {
    return this.currentId;
  }

  /** Whether anything of this conversation is saved yet. */
  get saved(): boolean {
    return this.hasHeader;
  }

  /** The model and servers in use; saved before the next record when they changed. */
  setSession(session: Omit<SessionRecord, 'type' | 'at'>): void {
    this.session = session;
  }

  /** Starts a new conversation (after /clear): the next record opens a new file. */
  startNew(): void {
    this.writer?.close();
    this.writer = undefined;
    this.hasHeader = false;
    this.lastSession = '';
    this.currentId = newConversationId(this.options.now());
  }

  /** Goes on with a saved conversation: records are appended to its file. */
  continueWith(id: string): void {
    this.startNew();
    this.currentId = id;
    this.hasHeader = true;
  }

  change(change: ConversationChange): void {
    switch (change.kind) {
      case 'user':
        this.write({ type: 'user', at: this.at(), content: this.blocks(change.blocks) });
        return;
      case 'assistant':
        this.write({
          type: 'assistant',
          at: this.at(),
          model: change.reply?.model ?? this.session?.model ?? 'unknown',
          content: this.blocks(change.blocks),
          stopReason: change.reply?.stopReason ?? 'end_turn',
          ...(change.reply?.usage && { usage: change.reply.usage }),
          ...(change.reply?.toolTokens && { toolTokens: change.reply.toolTokens }),
        });
        return;
      case 'replaced':
        // Compactions say what they did themselves (compaction()); a resume or a clear changes no file.
        return;
    }
  }

  /** A call started or ended (`resultTokens`: what its result added for the model). */
  call(record: ToolCallRecord, resultTokens?: number): void {
    const ended = TERMINAL_STATUSES.has(record.status);
    const summary = record.status === 'done' ? record.result : undefined;
    this.write({
      type: 'call',
      at: this.at(),
      id: record.id,
      ...(record.server !== undefined && { server: record.server }),
      tool: record.tool,
      arguments: redactArgs(record.args, { text: this.options.scrub }),
      status: record.status,
      ...(summary !== undefined && { result: this.options.scrub(summary.slice(0, SUMMARY_CHARS)) }),
      ...(ended && record.error !== undefined && { error: this.options.scrub(record.error) }),
      ...(record.denied && { denied: record.denied }),
      ...(ended && record.endedAt !== undefined && { durationMs: record.endedAt - record.startedAt }),
      ...(resultTokens !== undefined && { resultTokens }),
    });
  }

  /** A request whose reply is not in the history (a summary Warden asked for). */
  usage(model: string, usage: TurnUsage): void {
    this.write({ type: 'usage', at: this.at(), model, usage });
  }

  approval(entry: AuditEntry): void {
    this.write({
      type: 'approval',
      at: this.at(),
      ...(entry.callId !== undefined && { callId: entry.callId }),
      server: entry.server,
      tool: entry.tool,
      decision: entry.decision,
      source: entry.source,
    });
  }

  compaction(record: Omit<CompactionRecord, 'type' | 'at'>): void {
    this.write({
      type: 'compaction',
      at: this.at(),
      ...record,
      summary: this.options.scrub(record.summary),
      ...(record.messages && { messages: record.messages.map((m) => ({ role: m.role, content: this.blocks(m.content) })) }),
    });
  }

  close(): void {
    this.writer?.close();
  }

  private at(): string {
    return new Date(this.options.now()).toISOString();
  }

  private write(record: ConversationRecord): void {
    this.writer ??= new ConversationWriter(this.options.store.pathOf(this.currentId), this.options.onError);
    if (!this.hasHeader) {
      this.writer.append({ type: 'conversation', version: CONVERSATION_VERSION, id: this.currentId, createdAt: this.at(), cwd: this.options.cwd });
      this.hasHeader = true;
    }
    const session = this.session && JSON.stringify(this.session);
    if (session && session !== this.lastSession) {
      this.writer.append({ type: 'session', at: this.at(), ...(this.session as Omit<SessionRecord, 'type' | 'at'>) });
      this.lastSession = session;
    }
    this.writer.append(record);
  }

  /** Content blocks with secrets taken out; what the API must get back verbatim is left alone. */
  private blocks(blocks: readonly ContentBlock[]): ContentBlock[] {
    return blocks.map((block) => (block.type === 'tool_use' ? { ...block, input: redactArgs(block.input, { text: this.options.scrub }) } : (this.deep(block) as ContentBlock)));
  }

  private deep(value: unknown): unknown {
    if (typeof value === 'string') return this.options.scrub(value);
    if (Array.isArray(value)) return value.map((v) => this.deep(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, OPAQUE.has(key) ? v : this.deep(v)]));
  }
}
