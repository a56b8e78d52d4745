/**
 * `warden -p --output stream-json`: the turn as it happens, one JSON object a line on stdout, for
 * scripts and CI that want to follow along (and the final result, the `--output json` object with
 * `"type": "result"`, as the last line). Every event has a `type`:
 *
 *   start              {model, conversationId?}
 *   text               {delta}                       the answer as it streams
 *   tool_call_start    {id, server?, tool, arguments}
 *   tool_call_progress {id, progress, total?, message?}
 *   tool_call_end      {id, status, result?, error?, denied?, durationMs}
 *   approval           {id?, server, tool, decision, source}
 *   notice             {message}
 *   compacted          {how, tokensBefore, tokensAfter, summary, line}
 *   usage              {model, usage, costUsd?}     one per model request
 *   result             the --output json object
 *
 * Text is escaped JSON: what the model and servers sent, as they sent it.
 * Not responsible for: the turn (the engine), the final object's shape (print-mode.ts).
 */
import { compactionLine } from '../core/context/compaction-line.js';
import { costOf } from '../core/cost/prices.js';
import type { TurnEvent } from '../core/engine-types.js';
import type { ToolCallRegistry } from '../core/tool-calls/registry.js';
import type { ToolCallRecord } from '../core/tool-calls/types.js';

export interface StreamJson {
  /** The first line: the model, and the conversation when one was resumed (a new one's ID is in the result). */
  start(info: { model: string; conversationId?: string | undefined }): void;
  onEvent(event: TurnEvent): void;
  /** Stops following the calls' progress. */
  stop(): void;
}

function endOf(record: ToolCallRecord): Record<string, unknown> {
  return {
    type: 'tool_call_end',
    id: record.id,
    status: record.status,
    ...(record.status === 'done' && record.result !== undefined && { result: record.result }),
    ...(record.error !== undefined && { error: record.error }),
    ...(record.denied && { denied: record.denied }),
    durationMs: record.endedAt !== undefined ? record.endedAt - record.startedAt : null,
  };
}

export function streamJson(registry: ToolCallRegistry, write: (event: Record<string, unknown>) => void): StreamJson {
  // Progress arrives on the registry; one event per notification a call received.
  const seen = new Map<string, number>();
  const unsubscribe = registry.subscribe(() => {
    for (const record of registry.snapshot()) {
      const before = seen.get(record.id);
      if (before === undefined || record.progressEvents <= before) continue;
      seen.set(record.id, record.progressEvents);
      write({
        type: 'tool_call_progress',
        id: record.id,
        progress: record.progress,
        ...(record.total !== undefined && { total: record.total }),
        ...(record.message !== undefined && { message: record.message }),
      });
    }
  });
  return {
    start(info) {
      write({ type: 'start', model: info.model, ...(info.conversationId !== undefined && { conversationId: info.conversationId }) });
    },
    onEvent(event) {
      switch (event.type) {
        case 'text':
          write({ type: 'text', delta: event.delta });
          return;
        case 'tool-call': {
          const record = registry.get(event.callId);
          if (!record) return;
          seen.set(record.id, record.progressEvents);
          write({ type: 'tool_call_start', id: record.id, ...(record.server !== undefined && { server: record.server }), tool: record.tool, arguments: record.args });
          return;
        }
        case 'tool-call-end': {
          const record = registry.get(event.callId);
          if (record) write(endOf(record));
          return;
        }
        case 'approval':
          write({
            type: 'approval',
            ...(event.callId !== undefined && { id: event.callId }),
            server: event.server,
            tool: event.tool,
            decision: event.decision,
            source: event.source,
          });
          return;
        case 'notice':
          write({ type: 'notice', message: event.message });
          return;
        case 'attached':
          write({ type: 'attached', what: event.what, server: event.server, name: event.name, ...(event.detail !== undefined && { detail: event.detail }) });
          return;
        case 'compacted':
          write({ type: 'compacted', ...event.compaction, line: compactionLine(event.compaction) });
          return;
        case 'usage': {
          const cost = event.model === 'demo' ? 0 : costOf(event.model, event.usage);
          write({ type: 'usage', model: event.model, usage: event.usage, ...(cost !== undefined && { costUsd: cost }) });
          return;
        }
      }
    },
    stop: unsubscribe,
  };
}
