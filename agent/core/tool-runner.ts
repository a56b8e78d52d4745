import type { CallToolResult } from '@modelcontextprotocol/client';
import type { ServerHost } from './host/server-host.js';
import type { ToolCatalog } from './host/tool-names.js';
import type { ToolResultBlock, ToolUseBlock } from './model/types.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';
import { toolArguments } from './host/tool-names.js';

export const CANCELLED_RESULT = 'The user cancelled this tool call before it finished.';

/** MCP result content as the text the model and the UI get. */
export function resultText(result: CallToolResult): string {
  const parts = result.content.map((block) => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'resource_link':
        return `[resource: ${block.uri}]`;
      case 'resource':
        return 'text' in block.resource ? block.resource.text : `[resource: ${block.resource.uri}]`;
      default:
        return `[${block.type} content]`;
    }
  });
  if (parts.length === 0 && result.structuredContent) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

export interface ToolRunContext {
  tools: Pick<ServerHost, 'callTool' | 'prefixNames'>;
  /** The tools offered in this round: the model's names are resolved against it. */
  catalog: ToolCatalog;
  registry: ToolCallRegistry;
  /** The turn's signal: aborting it cancels every call of the turn. */
  turnSignal: AbortSignal;
  /** A call's record exists (its id is the registry id). */
  onStart: (callId: string) => void;
}

/**
 * Runs one tool_use through the MCP session with its own registry record, progress and
 * cancellation, and turns the outcome (result, tool error, failure, cancel) into a tool_result.
 */
export async function runToolCall(use: ToolUseBlock, ctx: ToolRunContext): Promise<ToolResultBlock> {
  const { registry } = ctx;
  const tool = ctx.catalog.resolve(use.name);
  const args = tool ? toolArguments(tool, use.input) : use.input;
  // The model's id is the record's id, unless a scripted or replayed id is already taken.
  const id = registry.get(use.id) ? undefined : use.id;
  const { record, signal } = registry.start(tool?.tool ?? use.name, args, {
    ...(id && { id }),
    ...(tool && ctx.tools.prefixNames && { server: tool.server }),
    parentSignal: ctx.turnSignal,
    status: 'queued',
  });
  ctx.onStart(record.id);
  const answer = (content: string, isError: boolean): ToolResultBlock => ({
    type: 'tool_result',
    tool_use_id: use.id,
    content,
    ...(isError && { is_error: true }),
  });
  if (!tool) {
    const error = `there is no tool named ${use.name} (its server may be unavailable)`;
    registry.fail(record.id, error);
    return answer(`The call failed: ${error}`, true);
  }
  try {
    const result = await ctx.tools.callTool(tool, use.input, {
      signal,
      onSent: () => registry.running(record.id),
      onprogress: (p) => registry.progress(record.id, { progress: p.progress, ...(p.total !== undefined && { total: p.total }), ...(p.message && { message: p.message }) }),
    });
    const text = resultText(result);
    registry.finish(record.id, text, result.isError === true);
    return answer(text, result.isError === true);
  } catch (error) {
    // Only our own signal means the user cancelled; other aborts are failures like any other.
    if (signal.aborted) {
      registry.cancelled(record.id);
      return answer(CANCELLED_RESULT, true);
    }
    const message = error instanceof Error ? error.message : String(error);
    registry.fail(record.id, message);
    return answer(`The call failed: ${message}`, true);
  }
}
