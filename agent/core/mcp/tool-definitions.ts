import type { Tool } from '@modelcontextprotocol/client';
import type { ToolDefinition } from '../model/types.js';

/** MCP tool listings → the tool definitions the model gets (name, description, JSON schema of the input). */
export function toToolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map((tool) => {
    // `$schema` is meta-information the Messages API does not need.
    const { $schema: _schema, ...schema } = tool.inputSchema as Record<string, unknown>;
    return {
      name: tool.name,
      description: tool.description ?? tool.title ?? tool.name,
      input_schema: { ...schema, type: 'object' },
    };
  });
}
