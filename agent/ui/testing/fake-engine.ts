import type { PermissionRule, SavedRule } from '../../core/permissions/policy.js';
import {
  type InputCompletion,
  type PromptSummary,
  TURN_ALREADY_RUNNING,
  type AgentEngine,
  type Compaction,
  type ConversationSummary,
  type PermissionRules,
  type ResumedConversation,
  type UsageReport,
  type ServerLogLine,
  type SessionStatus,
  type ToolSummary,
  type TurnEvent,
  type TurnOptions,
  type TurnResult,
} from '../../core/engine-types.js';
import { Notices } from '../../core/notices.js';
import { ToolCallRegistry } from '../../core/tool-calls/registry.js';
import type { AnswerOf, CallAnswer, QuestionKind, QuestionOf } from '../../core/tool-calls/questions.js';
import type { ProgressUpdate } from '../../core/tool-calls/types.js';

export const baseStatus: SessionStatus = {
  connection: { state: 'connected', toolCount: 3 },
  auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: 1_000_000 + 52 * 60_000 },
  model: { kind: 'demo' },
  servers: [
    {
      name: 'server',
      transport: 'http',
      target: 'http://127.0.0.1:8000/mcp',
      connection: { state: 'connected', toolCount: 3, protocolVersion: '2026-07-28' },
      auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: 1_000_000 + 52 * 60_000 },
    },
  ],
};

/** One turn the test drives by hand, the way the real engine would: text, calls, progress, the end. */
export class ScriptedTurn {
  readonly callIds: string[] = [];
  /** end() was called (or the turn was cancelled): the engine takes the next turn. */
  ended = false;
  private text = '';
  private resolve: (result: TurnResult) => void = () => {};
  readonly result: Promise<TurnResult>;

  constructor(
    readonly prompt: string,
    private readonly options: TurnOptions,
    private readonly registry: ToolCallRegistry,
  ) {
    this.result = new Promise((resolve) => {
      this.resolve = resolve;
    });
    // Like the engine: aborting the turn ends it as cancelled once its calls have stopped.
    options.signal?.addEventListener('abort', () => this.end({ stopReason: 'cancelled' }), { once: true });
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  emit(event: TurnEvent): void {
    this.options.onEvent?.(event);
  }

  say(delta: string): void {
    this.text += delta;
    this.emit({ type: 'text', delta });
  }

  /** Starts a call in the registry (on `server`, when given); its cancellation is acknowledged as the engine would. */
  startCall(tool: string, args: Record<string, unknown>, server?: string): string {
    const { record, signal } = this.registry.start(tool, args, { parentSignal: this.options.signal, ...(server !== undefined && { server }) });
    signal.addEventListener('abort', () => this.registry.cancelled(record.id), { once: true });
    this.callIds.push(record.id);
    this.emit({ type: 'tool-call', callId: record.id });
    return record.id;
  }

  progress(id: string, update: ProgressUpdate): void {
    this.registry.progress(id, update);
  }

  /** Puts a question on a call, as the engine would before running it (or mid-run); resolves with the user's answer. */
  ask<K extends QuestionKind>(id: string, question: QuestionOf<K>): Promise<AnswerOf<K>> {
    return this.registry.ask(id, question);
  }

  finish(id: string, result: string, isError = false): void {
    this.registry.finish(id, result, isError);
  }

  end(result: Partial<TurnResult> = {}): void {
    this.ended = true;
    this.resolve({
      text: this.text,
      callIds: this.callIds,
      usage: { inputTokens: 0, outputTokens: 0 },
      stopReason: 'end_turn',
      ...result,
    });
  }
}

/** An AgentEngine whose every move the test makes: status changes, turns, sign-in. */
export class FakeEngine implements AgentEngine {
  readonly registry: ToolCallRegistry;
  readonly notices = new Notices();
  readonly turns: ScriptedTurn[] = [];
  readonly signIns: Array<{ signal: AbortSignal | undefined; resolve: () => void; reject: (e: Error) => void }> = [];
  tools: ToolSummary[] = [
    { name: 'reverse', description: 'Reverses text, one step per second.' },
    { name: 'get_alerts', description: 'Weather alerts for a US state.' },
  ];
  calls = { start: 0, clearHistory: 0, signOut: 0, close: 0 };
  /** Servers asked to reconnect, by name, in order. */
  readonly reconnects: string[] = [];
  /** The answers given to approval requests, in order. */
  readonly approvals: boolean[] = [];
  /** What /permissions shows; forgetRule removes from `rules.saved`. */
  rules: { allow: PermissionRule[]; deny: PermissionRule[]; saved: SavedRule[] } = { allow: [], deny: [], saved: [] };
  /** The answers given to calls' questions, in order. */
  readonly answers: Array<{ callId: string; answer: CallAnswer }> = [];
  private status: SessionStatus;
  private readonly listeners = new Set<() => void>();

  constructor(options: { now?: () => number; status?: Partial<SessionStatus> } = {}) {
    this.registry = new ToolCallRegistry({ now: options.now });
    this.status = { ...baseStatus, ...options.status };
  }

  setStatus(patch: Partial<SessionStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  getStatus(): SessionStatus {
    return this.status;
  }

  subscribeStatus(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.calls.start++;
  }

  async settled(): Promise<void> {}

  runTurn(prompt: string, options: TurnOptions = {}): Promise<TurnResult> {
    // Like the engine: one turn at a time.
    if (this.turns.at(-1)?.ended === false) {
      return Promise.resolve({ text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: TURN_ALREADY_RUNNING });
    }
    const turn = new ScriptedTurn(prompt, options, this.registry);
    this.turns.push(turn);
    return turn.result;
  }

  /** What /help lists and `/` completes as MCP prompts. */
  prompts: PromptSummary[] = [];
  /** Completions by what is asked: `prompt:SERVER:NAME:INDEX` for a prompt's argument, `@TYPED` for a mention. */
  completions: Record<string, InputCompletion[]> = {};

  async listPrompts(): Promise<PromptSummary[]> {
    return this.prompts;
  }

  async completePromptArgument(server: string, prompt: string, given: readonly string[], value: string): Promise<InputCompletion[]> {
    return (this.completions[`prompt:${server}:${prompt}:${given.length}`] ?? []).filter((c) => c.value.startsWith(value));
  }

  async completeMention(typed: string): Promise<InputCompletion[]> {
    return this.completions[`@${typed}`] ?? [];
  }

  async listTools(): Promise<ToolSummary[]> {
    return this.tools;
  }

  signIn(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.signIns.push({ signal, resolve, reject });
      signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
    });
  }

  readonly serverLogLines = new Map<string, ServerLogLine[]>();
  readonly logLevels: Array<{ name: string; level: ServerLogLine['level'] }> = [];
  roots: readonly string[] = [];

  async setRoots(paths: readonly string[]): Promise<void> {
    this.roots = [...paths];
  }

  serverLogs(name: string): ServerLogLine[] {
    if (!this.status.servers.some((s) => s.name === name)) throw new Error(`no server named "${name}" (see /mcp)`);
    return this.serverLogLines.get(name) ?? [];
  }

  async setServerLogLevel(name: string, level: ServerLogLine['level']): Promise<void> {
    if (!this.status.servers.some((s) => s.name === name)) throw new Error(`no server named "${name}" (see /mcp)`);
    this.logLevels.push({ name, level });
  }

  async reconnectServer(name: string): Promise<void> {
    if (!this.status.servers.some((s) => s.name === name)) throw new Error(`no server named "${name}" (see /mcp)`);
    this.reconnects.push(name);
  }

  async signOut(): Promise<void> {
    this.calls.signOut++;
  }

  async answerApproval(approved: boolean): Promise<void> {
    this.approvals.push(approved);
  }

  answerCall(callId: string, answer: CallAnswer): boolean {
    this.answers.push({ callId, answer });
    return this.registry.answer(callId, answer);
  }

  permissionRules(): PermissionRules {
    return this.rules;
  }

  async forgetRule(rule: SavedRule): Promise<boolean> {
    const before = this.rules.saved.length;
    this.rules.saved = this.rules.saved.filter((r) => JSON.stringify(r) !== JSON.stringify(rule));
    return this.rules.saved.length < before;
  }

  clearHistory(): void {
    this.calls.clearHistory++;
  }

  /** What the picker lists; `resume` answers with `resumed[id]` (unknown IDs throw, as the engine does). */
  conversations: ConversationSummary[] = [];
  resumed = new Map<string, Omit<ResumedConversation, 'gone'> & { gone?: string }>();
  /** The IDs asked to resume, in order. */
  readonly resumes: string[] = [];
  currentConversation: string | undefined;

  /** What /compact answers (absent: it fails with "there is nothing to compact yet"). */
  compaction: Compaction | undefined;
  readonly compactions: Array<string | undefined> = [];

  async compact(instructions?: string): Promise<Compaction> {
    this.compactions.push(instructions);
    if (!this.compaction) throw new Error('there is nothing to compact yet');
    return this.compaction;
  }

  /** What /cost shows. */
  usageReport: UsageReport = { models: [], servers: [], unpriced: [], pricesAsOf: '2026-12-01' };

  usage(): UsageReport {
    return this.usageReport;
  }

  conversationId(): string | undefined {
    return this.currentConversation;
  }

  async listConversations(): Promise<ConversationSummary[]> {
    return this.conversations;
  }

  async resume(id = 'latest'): Promise<ResumedConversation> {
    this.resumes.push(id);
    const found = this.resumed.get(id);
    if (!found) throw new Error(`no saved conversation "${id}" (warden --resume lists them)`);
    this.currentConversation = found.id;
    return { ...found, gone: Promise.resolve(found.gone) };
  }

  async close(): Promise<void> {
    this.calls.close++;
  }
}
