import { errorMessage } from '../../config/error-text.js';
import type { ToolRouter } from './host/tool-router.js';
import type { ToolCatalog } from './host/tool-names.js';
import type { ToolResultBlock, ToolUseBlock } from './model/types.js';
import type { Approver } from './permissions/approver.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';
import { toolArguments } from './host/tool-names.js';
import { toModelResult } from './mcp/result-content.js';
import { limitToolResult } from './context/tool-result-limit.js';

export const CANCELLED_RESULT = 'The user cancelled this tool call before it finished.';

export interface ToolRunContext {
  tools: Pick<ToolRouter, 'callTool' | 'prefixNames' | 'resourceReader'>;
  /** The tools offered in this round: the model's names are resolved against it. */
  catalog: ToolCatalog;
  registry: ToolCallRegistry;
  /** The turn's signal: aborting it cancels every call of the turn. */
  turnSignal: AbortSignal;
  /** A call's record exists (its id is the registry id). */
  onStart: (callId: string) => void;
  /** Whether each call may run (absent: every call runs). */
  approver?: Approver;
  /** A line for the user that is not the model's text (a denial they were not asked about, a result cut for the model). */
  notice?: (message: string) => void;
  /** A result past this many tokens is cut for the model, with a note saying how much (absent: never). */
  resultMaxTokens?: number;
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
  const answer = (content: ToolResultBlock['content'], isError: boolean): ToolResultBlock => ({
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
    const approval = ctx.approver ? await ctx.approver.approve(tool, record.id, registry) : { run: true as const };
    if (approval.notice) ctx.notice?.(approval.notice);
    if (!approval.run) {
      registry.denied(record.id, approval.reason, approval.denied);
      return answer(approval.result, true);
    }
    const result = await ctx.tools.callTool(tool, use.input, {
      signal,
      callId: record.id,
      onSent: () => registry.running(record.id),
      onLog: (line) => registry.log(record.id, line.level, line.text),
      onprogress: (p) => registry.progress(record.id, { progress: p.progress, ...(p.total !== undefined && { total: p.total }), ...(p.message && { message: p.message }) }),
    });
    const reader = ctx.tools.resourceReader(tool.server);
    const { blocks, display } = await toModelResult(result, { ...(reader && { readResource: reader }) });
    registry.finish(record.id, display, result.isError === true);
    // A text-only result stays a string: the shape the model (and the demo model) always had.
    const whole = blocks.every((b) => b.type === 'text') ? blocks.map((b) => b.text).join('\n') : blocks;
    const limited = ctx.resultMaxTokens !== undefined ? limitToolResult(whole, ctx.resultMaxTokens) : { content: whole };
    if (limited.cut) {
      const label = ctx.tools.prefixNames ? `${tool.server} › ${tool.tool}` : tool.tool;
      ctx.notice?.(
        `The result of ${label} was cut for the model: about ${limited.cut.tokens.toLocaleString('en-US')} tokens, of which the first ${limited.cut.keptTokens.toLocaleString('en-US')} or so were sent (WARDEN_TOOL_RESULT_MAX_TOKENS).`,
      );
    }
    return answer(limited.content, result.isError === true);
  } catch (error) {
    // Only our own signal means the user cancelled; other aborts are failures like any other.
    if (signal.aborted) {
      registry.cancelled(record.id);
      return { ...answer(CANCELLED_RESULT, true), cancelled: true };
    }
    const text = errorMessage(error);
    // A stdio server's target is only its command: the line names the server the user configured.
    const message = ctx.tools.prefixNames && !text.includes(`"${tool.server}"`) ? `server "${tool.server}": ${text}` : text;
    registry.fail(record.id, message);
    return answer(`The call failed: ${message}`, true);
  }
}
