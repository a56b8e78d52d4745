import { errorMessage } from '../../config/error-text.js';
import type { ContextManager, RoundPlan } from './context/context-manager.js';
import { blockTokens, textTokens } from './context/estimate.js';
import type { Compaction, TurnEvent, TurnOptions, TurnResult, TurnUsage } from './engine-types.js';
import type { Conversation } from './conversation.js';
import type { ToolRouter } from './host/tool-router.js';
import type { ToolCatalog } from './host/tool-names.js';
import type { Approver } from './permissions/approver.js';
import { type ChatMessage, ModelCancelledError, ModelError, modelName, type ChatModel, type ModelResponse, type ToolResultBlock, type ToolUseBlock } from './model/types.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';
import { runToolCall } from './tool-runner.js';
import { addUsage, NO_USAGE } from './usage.js';

export interface TurnDeps {
  model: ChatModel;
  /** Keeps the history inside the context window (absent: requests go as they are, tests). */
  context?: ContextManager;
  /** A tool result past this many tokens is cut for the model, with a note (absent: never). */
  toolResultMaxTokens?: number;
  tools: ToolRouter;
  registry: ToolCallRegistry;
  conversation: Conversation;
  /** Model rounds per turn before it ends as 'turn_limit'. */
  maxTurns: number;
  /** Whether each call may run (absent: every call runs). */
  approver?: Approver;
}

/** Per server, the estimated tokens its tool definitions take in a request. */
function definitionTokens(catalog: ToolCatalog): Record<string, number> {
  const perServer: Record<string, number> = {};
  for (const tool of catalog.tools) perServer[tool.server] = (perServer[tool.server] ?? 0) + textTokens(JSON.stringify(tool.definition));
  return perServer;
}

const NOT_RUN = 'Not run: the reply was cut off (output token limit) before this call was complete.';

/**
 * One model round with the context kept in bounds: compacts first if it must, asks the API to
 * manage the context where it can, and sends the round again once after the API refused context
 * management (then Warden compacts by itself) or found the request too long (then it compacts now).
 */
async function askModel(deps: TurnDeps, catalog: ToolCatalog, note: string | undefined, signal: AbortSignal, emit: (event: TurnEvent) => void): Promise<ModelResponse> {
  const input = { tools: catalog.definitions, ...(note && { systemNote: note }), signal, onNotice: (message: string) => emit({ type: 'notice', message }) };
  const compacted = (compaction: Compaction | undefined): void => {
    if (compaction) emit({ type: 'compacted', compaction });
  };
  const retried = new Set<string>();
  for (;;) {
    let plan: RoundPlan | undefined;
    if (deps.context) {
      const planned = await deps.context.beforeRound(input);
      plan = planned.plan;
      compacted(planned.compacted);
    }
    try {
      const response = await deps.model.respond({
        messages: deps.conversation.all,
        tools: catalog.definitions,
        ...(note && { systemNote: note }),
        ...(plan && { maxTokens: plan.maxTokens }),
        ...(plan?.contextManagement && { contextManagement: plan.contextManagement }),
        signal,
        onText: (delta) => emit({ type: 'text', delta }),
        onNotice: input.onNotice,
      });
      return response;
    } catch (error) {
      const kind = error instanceof ModelError ? error.kind : 'failed';
      if (!deps.context || retried.has(kind)) throw error;
      retried.add(kind);
      if (kind === 'context-management-rejected' && plan?.contextManagement) {
        deps.context.serverUnavailable();
        input.onNotice('The API does not manage the context here; Warden compacts the conversation itself.');
      } else if (kind === 'context-overflow') {
        const recovered = await deps.context.recover(input, errorMessage(error));
        if (!recovered) throw error;
        compacted(recovered);
      } else throw error;
    }
  }
}

/**
 * One user turn: the model answers, its tool_use blocks run concurrently, their results go
 * back, until the model ends its turn (or the cap, a cancel, or an error). Never throws.
 * `input`: the user's text, or the messages an MCP prompt or attachments made of it.
 */
export async function runTurn(deps: TurnDeps, input: string | readonly ChatMessage[], options: TurnOptions = {}): Promise<TurnResult> {
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: TurnEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A front end's listener failing must not break the turn.
    }
  };
  let usage: TurnUsage = NO_USAGE;
  const callIds: string[] = [];
  const texts: string[] = [];
  const end = (stopReason: TurnResult['stopReason'], error?: string): TurnResult => ({
    text: texts.join('\n\n'),
    callIds,
    usage,
    stopReason,
    ...(error !== undefined && { error }),
  });

  const messages: readonly ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: [{ type: 'text', text: input }] }] : input;
  for (const message of messages) {
    if (message.role === 'user') deps.conversation.addUser(message.content);
    else deps.conversation.addAssistant(message.content);
  }
  const model = modelName(deps.model);

  for (let round = 0; round < deps.maxTurns; round++) {
    if (signal.aborted) return end('cancelled');
    // Each round offers what is up now: a server that came back mid-turn is offered again.
    let catalog: ToolCatalog;
    let note: string | undefined;
    try {
      ({ catalog, note } = await deps.tools.prepare({ connect: round === 0 }));
    } catch (error) {
      return end('error', errorMessage(error));
    }
    let response: ModelResponse;
    try {
      response = await askModel(deps, catalog, note, signal, emit);
    } catch (error) {
      if (error instanceof ModelCancelledError || signal.aborted) return end('cancelled');
      return end('error', errorMessage(error));
    }
    // A compaction on the server is billed on its own, beside the reply's usage.
    const billed = response.compactionUsage ? addUsage(response.usage, response.compactionUsage) : response.usage;
    usage = addUsage(usage, billed);
    const toolTokens = definitionTokens(catalog);
    const text = response.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    if (text.trim() !== '') texts.push(text);
    deps.conversation.addAssistant(response.content, { model, stopReason: response.stopReason, usage: billed, toolTokens });
    const managed = deps.context?.afterResponse(response);
    // After the context manager saw the reply: the usage event reports the context as it is now.
    emit({ type: 'usage', model, usage: billed, toolTokens });
    if (managed) emit({ type: 'compacted', compaction: managed });

    const uses = response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    if (uses.length === 0) {
      if (response.stopReason === 'max_tokens') emit({ type: 'notice', message: 'The reply was cut off at the output token limit.' });
      return end('end_turn');
    }
    // Every tool_use needs its tool_result in the next message, even one that is not run.
    if (response.stopReason !== 'tool_use') {
      deps.conversation.addUser(uses.map((u): ToolResultBlock => ({ type: 'tool_result', tool_use_id: u.id, content: NOT_RUN, is_error: true })));
      emit({ type: 'notice', message: 'The reply was cut off at the output token limit; its tool calls were not run.' });
      return end('end_turn');
    }
    // All calls of one response run at once; each has its own record, progress and cancel.
    const results = await Promise.all(
      uses.map(async (use) => {
        let started: string | undefined;
        const result = await runToolCall(use, {
          tools: deps.tools,
          catalog,
          registry: deps.registry,
          turnSignal: signal,
          onStart: (callId) => {
            started = callId;
            callIds.push(callId);
            emit({ type: 'tool-call', callId });
          },
          ...(deps.approver && { approver: deps.approver }),
          ...(deps.toolResultMaxTokens !== undefined && { resultMaxTokens: deps.toolResultMaxTokens }),
          notice: (notice) => emit({ type: 'notice', message: notice }),
        });
        const server = catalog.resolve(use.name)?.server;
        if (started !== undefined) emit({ type: 'tool-call-end', callId: started, ...(server !== undefined && { server }), resultTokens: blockTokens(result) });
        return result;
      }),
    );
    deps.conversation.addUser(results);
  }
  return signal.aborted ? end('cancelled') : end('turn_limit');
}
