import { performance } from 'node:perf_hooks';
import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';
import type { ToolOutcome } from '../observe/metrics.js';
import { startToolTrace, type ToolTrace } from '../observe/tracing.js';
import { scopeOf } from '../request-scope.js';
import type { ToolDeps } from './context.js';
import type { ToolName } from './names.js';

/** A tool's handler, told where to report its progress for the trace (undefined while tracing is off). */
export type ObservedHandler<A> = (args: A, ctx: ServerContext, trace: ToolTrace | undefined) => Promise<CallToolResult>;

/**
 * Wraps a tool's handler so every call is timed (warden_tool_duration_seconds, by outcome) and,
 * with tracing on, runs in a span of its own. One place for all three tools.
 */
export function observed<A>(deps: ToolDeps, tool: ToolName, handler: ObservedHandler<A>): (args: A, ctx: ServerContext) => Promise<CallToolResult> {
  return async (args, ctx) => {
    const started = performance.now();
    const trace = startToolTrace(tool, ctx.mcpReq._meta as Record<string, unknown> | undefined);
    let outcome: ToolOutcome = 'error';
    try {
      const result = await (trace ? trace.run(() => handler(args, ctx, trace)) : handler(args, ctx, undefined));
      outcome = scopeOf(ctx.http?.req)?.outcome === 'cancelled' ? 'cancelled' : result.isError ? 'error' : 'ok';
      return result;
    } finally {
      deps.metrics.tool(tool, outcome, (performance.now() - started) / 1000);
      trace?.end(outcome);
    }
  };
}
