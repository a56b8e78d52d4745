/**
 * The conversation as the engine holds it across turns: the history the model gets (Conversation),
 * kept inside the context window (ContextManager), saved as it goes (ConversationRecorder, when a
 * directory is given), resumed from its file, and accounted for (UsageLedger: tokens and cost by
 * model and by server). The engine passes every turn event through `observe`.
 *
 * Not responsible for: running turns (turn.ts), the servers (ServerHost), the front ends.
 */
import { Conversation } from './conversation.js';
import { ContextManager, type ContextSettings, type RoundInput } from './context/context-manager.js';
import { UsageLedger } from './cost/ledger.js';
import { goneLine, type GoneCheck } from './conversations/gone.js';
import { readConversation } from './conversations/reader.js';
import { ConversationRecorder } from './conversations/recorder.js';
import { replay } from './conversations/replay.js';
import { ConversationNotFoundError, ConversationStore } from './conversations/store.js';
import type { Compaction, ConversationSummary, ResumedConversation, TurnEvent, UsageReport, UsageStatus } from './engine-types.js';
import { printableTarget } from './host/printable-target.js';
import type { ServerConfig } from './host/server-config.js';
import { type ChatModel, modelName } from './model/types.js';
import type { AuditEntry } from './permissions/audit-log.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';

export interface ConversationSessionDeps {
  model: ChatModel;
  context: ContextSettings;
  servers: readonly ServerConfig[];
  registry: ToolCallRegistry;
  now: () => number;
  /** Takes the session's secrets out of text before it is saved. */
  scrub: (text: string) => string;
  /** Where conversations are saved, and the directory this one belongs to; absent: nothing is saved. */
  saved?: { dir: string; cwd: string; onError?: (message: string) => void };
  /** Usage or context changed (the status bar shows them). */
  onChange: () => void;
}

/** What a resumed conversation checks once servers have connected: which of its servers and tools are gone. */
export type GoneNow = () => Promise<Pick<GoneCheck, 'statuses' | 'offered'>>;

export class ConversationSession {
  readonly conversation: Conversation;
  readonly context: ContextManager;
  private readonly ledger = new UsageLedger();
  private readonly store: ConversationStore | undefined;
  private readonly recorder: ConversationRecorder | undefined;
  private readonly cwd: string;

  constructor(private readonly deps: ConversationSessionDeps) {
    // The directory conversations belong to (used only when they are saved).
    this.cwd = deps.saved?.cwd ?? '';
    this.store = deps.saved && new ConversationStore(deps.saved.dir);
    this.recorder =
      this.store && new ConversationRecorder({ store: this.store, cwd: this.cwd, now: deps.now, scrub: deps.scrub, ...(deps.saved?.onError && { onError: deps.saved.onError }) });
    this.recorder?.setSession({
      model: modelName(deps.model),
      servers: deps.servers.map((s) => ({ name: s.name, transport: s.type, target: printableTarget(s) })),
    });
    const recorder = this.recorder;
    this.conversation = new Conversation(recorder && ((change) => recorder.change(change)));
    this.context = new ContextManager({
      model: deps.model,
      conversation: this.conversation,
      settings: deps.context,
      // A summary written by the model is a request of its own: billed, and saved for the cost after a resume.
      onUsage: (usage) => {
        this.ledger.request(modelName(deps.model), usage);
        this.recorder?.usage(modelName(deps.model), usage);
        deps.onChange();
      },
    });
  }

  /** Every event of a turn: calls are saved when they start and end, compactions and usage are saved and counted. */
  observe(event: TurnEvent): void {
    switch (event.type) {
      case 'tool-call':
      case 'tool-call-end': {
        const record = this.deps.registry.get(event.callId);
        if (record) this.recorder?.call(record, event.type === 'tool-call-end' ? event.resultTokens : undefined);
        if (event.type === 'tool-call-end') this.ledger.call(event.server ?? record?.server ?? 'server', event.resultTokens);
        return;
      }
      case 'usage':
        this.ledger.request(event.model, event.usage);
        this.ledger.definitions(event.toolTokens);
        this.deps.onChange();
        return;
      case 'compacted':
        this.saveCompaction(event.compaction);
        this.deps.onChange();
        return;
      default:
        return;
    }
  }

  /** A decision whether a call may run. */
  approval(entry: AuditEntry): void {
    this.recorder?.approval(entry);
  }

  /** `/compact [instructions]`, between turns. */
  async compact(input: RoundInput, instructions?: string): Promise<Compaction> {
    const compaction = await this.context.compactNow(input, instructions);
    this.saveCompaction(compaction);
    this.deps.onChange();
    return compaction;
  }

  /** Forgets the history and the account: what follows is a new conversation. */
  clear(): void {
    this.conversation.clear();
    this.ledger.clear();
    this.context.forget();
    this.recorder?.startNew();
    this.deps.onChange();
  }

  id(): string | undefined {
    return this.recorder?.saved ? this.recorder.id : undefined;
  }

  async list(): Promise<ConversationSummary[]> {
    return this.store ? (await this.store.list()).filter((c) => c.cwd === this.cwd) : [];
  }

  /** Goes on with a saved conversation (by ID, else this directory's latest); `now` says what is offered once servers connected. */
  async resume(id: string | undefined, now: GoneNow): Promise<ResumedConversation> {
    if (!this.store || !this.recorder) throw new Error('conversations are not saved in this session');
    const found = id !== undefined ? await this.store.find(id) : await this.store.latest(this.cwd);
    if (!found) throw new ConversationNotFoundError('no saved conversation in this directory yet');
    const read = await readConversation(this.store.pathOf(found.id));
    const replayed = replay(read.records);
    this.conversation.replace(replayed.messages);
    this.deps.registry.clearFinished();
    this.recorder.continueWith(found.id);
    // Calls a crash interrupted are answered now, in the history and the file, so no tool_use is left dangling.
    if (replayed.interrupted.length > 0) this.conversation.addUser(replayed.interrupted);
    // What it cost so far counts on.
    this.ledger.clear();
    this.context.forget();
    for (const spent of replayed.spent.requests) {
      this.ledger.request(spent.model, spent.usage);
      if (spent.toolTokens) this.ledger.definitions(spent.toolTokens);
    }
    for (const call of replayed.spent.calls) this.ledger.call(call.server, call.resultTokens);
    await this.context.limits().catch(() => undefined);
    this.deps.onChange();
    const gone = now().then(({ statuses, offered }) =>
      goneLine({ savedServers: replayed.session?.servers.map((s) => s.name) ?? [], toolsUsed: replayed.toolsUsed, configured: this.deps.servers, statuses, offered }),
    );
    return { id: found.id, history: replayed.history, notices: read.notices, gone };
  }

  usage(): UsageReport {
    return this.ledger.report(this.context.status());
  }

  /** The status bar's part: the context and the cost, once anything was sent. */
  status(): UsageStatus | undefined {
    const context = this.context.status();
    if (!context) return undefined;
    const cost = this.ledger.costUsd();
    return { contextTokens: context.tokens, contextWindow: context.window, ...(cost !== undefined && { costUsd: cost }) };
  }

  close(): void {
    this.recorder?.close();
  }

  /** Warden's own compaction is saved with the history it left; the API's as what the user saw. */
  private saveCompaction(compaction: Compaction): void {
    const local = compaction.how === 'local-summary' || compaction.how === 'local-clearing';
    this.recorder?.compaction({ ...compaction, ...(local && { messages: [...this.conversation.all] }) });
  }
}
