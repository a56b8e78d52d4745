import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/client';
import type { CallOptions } from '../mcp/session.js';
import type { MappedTool, ToolCatalog } from './tool-names.js';

/**
 * What the model loop needs from the servers (ServerHost implements it): the tool catalog for a
 * round, a model's tool name routed to its server, resources for result links. Types only, so the
 * loop, the tracing wrapper and the host do not import each other.
 */
export interface ToolRouter {
  /** Tools are named `SERVER__TOOL` for the model (off only for the one-server shortcut). */
  readonly prefixNames: boolean;
  prepare(options?: { connect?: boolean }): Promise<{ catalog: ToolCatalog; note?: string }>;
  callTool(tool: MappedTool, input: Record<string, unknown>, options: CallOptions): Promise<CallToolResult>;
  resourceReader(server: string): ((uri: string) => Promise<ReadResourceResult>) | undefined;
}
