/** The server's tools, by the names clients call them with (config validates AUTH_PUBLIC_TOOLS/AUTH_TOOL_SCOPES against these). */
export const TOOL_NAMES = ['reverse', 'get_alerts', 'get_forecast'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
