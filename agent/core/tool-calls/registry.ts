import { firstLine } from '../../../config/error-text.js';
import { capText, safeLine } from '../../../config/terminal-text.js';
import type { AnswerOf, CallAnswer, CallQuestion, QuestionKind, QuestionOf } from './questions.js';
import { TERMINAL_STATUSES, type Denial, type ProgressUpdate, type ToolCallRecord } from './types.js';

/**
 * Records are for display: the model gets a call's full result from the runner, never from here,
 * and never sees progress messages. So outside text is cut at storage to what a screen can show,
 * and a 200k-character progress message costs no more to render than a short one.
 */
const MESSAGE_CHARS = 500;
const RESULT_CHARS = 4000;
/** A failed call's error, as its one-line summary. */
const ERROR_LINE_CHARS = 200;

export interface StartedCall {
  record: ToolCallRecord;
  /** Aborted when the user cancels this call (or the whole turn). */
  signal: AbortSignal;
}

export interface RegistryOptions {
  /** Clock injected for tests; epoch ms. */
  now?: () => number;
  /** Finished calls kept for display; older ones are dropped so long sessions stay bounded. */
  maxFinished?: number;
}

/**
 * Every tool call of the session, observable. The engine writes (start/progress/finish),
 * the UI reads (subscribe/snapshot) and cancels. Progress is keyed by call id, so
 * concurrent calls never share it.
 */
export class ToolCallRegistry {
  private readonly records = new Map<string, ToolCallRecord>();
  private readonly controllers = new Map<string, AbortController>();
  /** Detaches a call from its turn's signal; a listener left behind would keep every call alive for the session. */
  private readonly detach = new Map<string, () => void>();
  private readonly listeners = new Set<() => void>();
  /**
   * Calls waiting for the user: their questions in the order asked, each with how to hand over its
   * answer. The first is on the record (`question`); the others wait behind it (`questionsBehind`),
   * so a server asking two things at once (an elicitation and a sampling request) gets both answered.
   */
  private readonly pending = new Map<string, { question: CallQuestion; deliver: (answer: CallAnswer) => void }[]>();
  private readonly now: () => number;
  private readonly maxFinished: number;
  private cachedSnapshot: readonly ToolCallRecord[] | undefined;
  private nextId = 1;

  constructor(options: RegistryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxFinished = options.maxFinished ?? 200;
  }

  /** Registers a running call. `parentSignal` (the turn's) cancels it too. */
  start(tool: string, args: Record<string, unknown>, options: { id?: string; server?: string; parentSignal?: AbortSignal; status?: 'queued' | 'running' } = {}): StartedCall {
    const id = options.id ?? `call_${this.nextId++}`;
    const controller = new AbortController();
    if (options.parentSignal) {
      if (options.parentSignal.aborted) controller.abort(options.parentSignal.reason);
      else {
        const parent = options.parentSignal;
        const onAbort = (): void => controller.abort(parent.reason);
        parent.addEventListener('abort', onAbort, { once: true });
        this.detach.set(id, () => parent.removeEventListener('abort', onAbort));
      }
    }
    const record: ToolCallRecord = {
      id,
      tool,
      ...(options.server !== undefined && { server: options.server }),
      args: { ...args },
      status: options.status ?? 'running',
      progressEvents: 0,
      startedAt: this.now(),
    };
    this.records.set(id, record);
    this.controllers.set(id, controller);
    this.changed();
    return { record, signal: controller.signal };
  }

  /** Marks a queued call as running (e.g. once the connection is up). */
  running(id: string): void {
    this.update(id, (r) => (r.status === 'queued' ? { ...r, status: 'running', startedAt: this.now() } : r));
  }

  progress(id: string, update: ProgressUpdate): void {
    this.update(id, (r) => ({
      ...r,
      status: 'running',
      progress: update.progress,
      total: update.total ?? r.total,
      message: update.message !== undefined ? safeLine(update.message, MESSAGE_CHARS) : r.message,
      progressEvents: r.progressEvents + 1,
    }));
  }

  /** A server log message shown in the call's pane (already one safe line; cut again to be sure). */
  log(id: string, level: string, text: string): void {
    this.update(id, (r) => ({ ...r, log: { level: safeLine(level, 16), text: safeLine(text, MESSAGE_CHARS) } }));
  }

  /** The tool answered; `isError` is the MCP result flag. */
  finish(id: string, result: string, isError = false): void {
    const shown = capText(result, RESULT_CHARS);
    this.end(id, isError ? { status: 'error', result: shown, error: firstLine(shown, ERROR_LINE_CHARS) } : { status: 'done', result: shown });
  }

  /** The call failed outside the tool (network, auth, protocol). */
  fail(id: string, error: string): void {
    this.end(id, { status: 'error', error: firstLine(error, ERROR_LINE_CHARS) });
  }

  /** Records that the call ended because it was cancelled (after `cancel` or a turn abort). */
  cancelled(id: string, reason = 'cancelled by the user'): void {
    this.end(id, { status: 'cancelled', error: reason });
  }

  /** Records that the call was not allowed to run (`reason`: one line, e.g. "denied by you: not now"). */
  denied(id: string, reason: string, by: Denial): void {
    this.end(id, { status: 'cancelled', error: reason, denied: by });
  }

  /** Asks for the call to stop; the engine sees its signal abort and calls `cancelled`. */
  cancel(id: string): boolean {
    const record = this.records.get(id);
    const controller = this.controllers.get(id);
    if (!record || !controller || TERMINAL_STATUSES.has(record.status)) return false;
    controller.abort(new Error('cancelled by the user'));
    return true;
  }

  /**
   * Puts a question to the user on the call's record and waits for `answer`; a question asked
   * while another waits is answered after it. Rejects with the abort reason if the call is
   * cancelled (or its turn aborted) first, so cancelling a waiting call is the same as cancelling
   * a running one.
   */
  ask<K extends QuestionKind>(id: string, question: QuestionOf<K>): Promise<AnswerOf<K>> {
    const record = this.records.get(id);
    const controller = this.controllers.get(id);
    if (!record || !controller || TERMINAL_STATUSES.has(record.status)) return Promise.reject(new Error(`no running call ${id}`));
    const signal = controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<AnswerOf<K>>((resolve, reject) => {
      const entry = {
        question: question as CallQuestion,
        deliver: (answer: CallAnswer): void => {
          signal.removeEventListener('abort', onAbort);
          // answer() checked the kind against the question's.
          resolve(answer as unknown as AnswerOf<K>);
        },
      };
      const onAbort = (): void => {
        this.pending.delete(id);
        this.showQuestion(id);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const queue = this.pending.get(id) ?? [];
      queue.push(entry);
      this.pending.set(id, queue);
      this.showQuestion(id);
    });
  }

  /** The user's answer to the call's question; false if it has none (answered, cancelled) or the kind differs. */
  answer(id: string, answer: CallAnswer): boolean {
    const queue = this.pending.get(id);
    const first = queue?.[0];
    if (!queue || !first || first.question.kind !== answer.kind) return false;
    queue.shift();
    if (queue.length === 0) this.pending.delete(id);
    // The next question (if any) takes its place before the answer goes out.
    this.showQuestion(id);
    first.deliver(answer);
    return true;
  }

  /** The record shows the first waiting question and how many wait behind it; none when nothing waits. */
  private showQuestion(id: string): void {
    const [first, ...behind] = this.pending.get(id) ?? [];
    this.update(id, ({ question: _, questionsBehind: __, ...rest }) =>
      first ? { ...rest, question: first.question, ...(behind.length > 0 && { questionsBehind: behind.length }) } : rest,
    );
  }

  get(id: string): ToolCallRecord | undefined {
    return this.records.get(id);
  }

  /** All calls in start order; the same array until something changes. */
  snapshot(): readonly ToolCallRecord[] {
    this.cachedSnapshot ??= Object.freeze([...this.records.values()]);
    return this.cachedSnapshot;
  }

  active(): ToolCallRecord[] {
    return this.snapshot().filter((r) => !TERMINAL_STATUSES.has(r.status));
  }

  /** Calls waiting for the user's answer, in start order. */
  waiting(): ToolCallRecord[] {
    return this.snapshot().filter((r) => r.question !== undefined);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets finished calls (e.g. `/clear`). */
  clearFinished(): void {
    for (const [id, record] of this.records) {
      if (TERMINAL_STATUSES.has(record.status)) this.records.delete(id);
    }
    this.changed();
  }

  private end(id: string, patch: Pick<ToolCallRecord, 'status'> & Partial<ToolCallRecord>): void {
    // An ended call asks nothing any more.
    this.update(id, ({ question: _, questionsBehind: __, ...r }) => ({ ...r, ...patch, endedAt: this.now() }));
    this.pending.delete(id);
    this.controllers.delete(id);
    this.detach.get(id)?.();
    this.detach.delete(id);
    this.prune();
  }

  private update(id: string, change: (record: ToolCallRecord) => ToolCallRecord): void {
    const record = this.records.get(id);
    // Late events (progress after the result, a second finish) are ignored: terminal states are final.
    if (!record || TERMINAL_STATUSES.has(record.status)) return;
    const next = change(record);
    if (next === record) return;
    this.records.set(id, next);
    this.changed();
  }

  private prune(): void {
    let finished = 0;
    for (const record of this.records.values()) if (TERMINAL_STATUSES.has(record.status)) finished++;
    if (finished <= this.maxFinished) return;
    for (const [id, record] of this.records) {
      if (finished <= this.maxFinished) break;
      if (TERMINAL_STATUSES.has(record.status)) {
        this.records.delete(id);
        finished--;
      }
    }
    this.changed();
  }

  private changed(): void {
    this.cachedSnapshot = undefined;
    for (const listener of [...this.listeners]) listener();
  }
}
