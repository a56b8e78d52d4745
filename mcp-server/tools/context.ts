import type { CallToolResult, ScopeChallengeHandler } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';
import type { ServerMetrics } from '../observe/metrics.js';
import type { NwsClient } from '../nws/client.js';
import type { ToolName } from './names.js';

/** What the tools get from the server (built once, shared by every per-request instance). */
export interface ToolDeps {
  logger: Logger;
  nws: NwsClient;
  reverseStepMs: number;
  /** Per-tool OAuth scope check (AUTH_TOOL_SCOPES); undefined when the tool needs nothing extra. */
  scopeChallenge(tool: ToolName): ScopeChallengeHandler | undefined;
  metrics: ServerMetrics;
  /** Aborted when the server shuts down: running calls stop promptly in both protocol eras. */
  shutdown: AbortSignal;
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

/** A tool error the model reads and can act on (never a protocol error or a crash). */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
