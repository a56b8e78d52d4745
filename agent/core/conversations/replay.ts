/**
 * Rebuilds a saved conversation from its records: the history exactly as the model had it (every
 * tool_use answered by its tool_result; a call a crash interrupted is answered with an error result
 * and never run again), what the transcript shows, and the servers and tools it used.
 *
 * Not responsible for: reading the file (reader.ts), deciding what is gone now (the engine knows
 * the servers of this run).
 */
import { Conversation } from '../conversation.js';
import type { HistoryEntry, TurnUsage } from '../engine-types.js';
import type { ChatMessage, ToolResultBlock, ToolUseBlock } from '../model/types.js';
import { TERMINAL_STATUSES, type ToolCallRecord } from '../tool-calls/types.js';
import type { CallRecord, ConversationRecord, SessionRecord } from './records.js';
import { isAttachedResource } from '../user-input/resource-mentions.js';

const INTERRUPTED_LINE = 'interrupted: Warden stopped while it ran';

export const INTERRUPTED_RESULT = 'Not finished: Warden stopped while this call was running. It may or may not have taken effect on the server; it was not run again.';

export interface Replayed {
  messages: ChatMessage[];
  history: HistoryEntry[];
  /** The model and servers in use when it was last saved. */
  session?: SessionRecord;
  /** The tools it called, by server (the tool's own name), for "tools that are gone". */
  toolsUsed: Array<{ server?: string; tool: string }>;
  /** Results for calls that were running when the conversation stopped: to add to the history (and the file). */
  interrupted: ToolResultBlock[];
  /** What it cost so far: every request's usage, and what each call's result added. */
  spent: { requests: Array<{ model: string; usage: TurnUsage; toolTokens?: Record<string, number> }>; calls: Array<{ server: string; resultTokens: number }> };
}

function textOf(blocks: readonly { type: string; text?: string }[]): string {
  return blocks
    .flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : []))
    .join('\n')
    .trim();
}

/** A finished call for the transcript, in the registry's shape (it is not in any registry). */
function callEntry(record: CallRecord): ToolCallRecord {
  const ended = Date.parse(record.at);
  const finished = TERMINAL_STATUSES.has(record.status);
  return {
    id: record.id,
    tool: record.tool,
    ...(record.server !== undefined && { server: record.server }),
    args: record.arguments,
    status: record.status,
    progressEvents: 0,
    startedAt: ended - (record.durationMs ?? 0),
    ...(finished && { endedAt: ended }),
    ...(record.result !== undefined && { result: record.result }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.denied && { denied: record.denied }),
  };
}

/** The tool_use blocks of the last assistant message that no tool_result answers (the API refuses such a history). */
export function unansweredCalls(messages: readonly ChatMessage[]): ToolUseBlock[] {
  const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
  if (lastAssistant < 0) return [];
  const uses = messages[lastAssistant]?.content.filter((b): b is ToolUseBlock => b.type === 'tool_use') ?? [];
  const answered = new Set((messages[lastAssistant + 1]?.content ?? []).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
  return uses.filter((u) => !answered.has(u.id));
}

export function replay(records: readonly ConversationRecord[]): Replayed {
  const conversation = new Conversation();
  const history: HistoryEntry[] = [];
  const toolsUsed = new Map<string, { server?: string; tool: string }>();
  let session: SessionRecord | undefined;
  /** Where each call's entry is in `history`. */
  const callAt = new Map<string, number>();
  const spent: Replayed['spent'] = { requests: [], calls: [] };
  for (const record of records) {
    switch (record.type) {
      case 'session':
        session = record;
        break;
      case 'user': {
        conversation.addUser(record.content);
        // The transcript shows what was typed; resources it attached went to the model only.
        const text = textOf(record.content.filter((b) => !isAttachedResource(b)));
        if (text !== '') history.push({ kind: 'user', text });
        break;
      }
      case 'assistant': {
        conversation.addAssistant(record.content);
        if (record.usage) spent.requests.push({ model: record.model, usage: record.usage, ...(record.toolTokens && { toolTokens: record.toolTokens }) });
        const text = textOf(record.content);
        if (text !== '') history.push({ kind: 'assistant', text });
        break;
      }
      case 'call': {
        // A call is saved when it starts and again when it ends: the entry stays where it started.
        const at = callAt.get(record.id);
        if (at === undefined) {
          callAt.set(record.id, history.length);
          history.push({ kind: 'call', call: callEntry(record) });
        } else history[at] = { kind: 'call', call: callEntry(record) };
        toolsUsed.set(`${record.server ?? ''}\u0000${record.tool}`, { ...(record.server !== undefined && { server: record.server }), tool: record.tool });
        if (record.resultTokens !== undefined) spent.calls.push({ server: record.server ?? 'server', resultTokens: record.resultTokens });
        break;
      }
      case 'usage':
        spent.requests.push({ model: record.model, usage: record.usage });
        break;
      case 'compaction': {
        const { type: _type, at: _at, messages, ...compaction } = record;
        if (messages) conversation.replace(messages);
        history.push({ kind: 'compaction', compaction });
        break;
      }
      case 'approval':
      case 'conversation':
        break;
    }
  }
  const interrupted = unansweredCalls(conversation.all).map((use): ToolResultBlock => ({ type: 'tool_result', tool_use_id: use.id, content: INTERRUPTED_RESULT, is_error: true }));
  for (const result of interrupted) {
    const at = callAt.get(result.tool_use_id);
    const entry = at !== undefined ? history[at] : undefined;
    // A call that never got as far as its record (the crash came first) has nothing to show.
    if (entry?.kind === 'call' && !TERMINAL_STATUSES.has(entry.call.status)) {
      history[at ?? 0] = { kind: 'call', call: { ...entry.call, status: 'error', endedAt: entry.call.startedAt, error: INTERRUPTED_LINE } };
    }
  }
  return {
    messages: conversation.all.map((m) => ({ role: m.role, content: [...m.content] })),
    history,
    ...(session && { session }),
    toolsUsed: [...toolsUsed.values()],
    interrupted,
    spent,
  };
}
