import type { TurnEvent } from '../engine-types.js';

/** How a prompt run or a resource attached is told to the user, in the chat and in -p: one line (not yet terminal-safe). */
export function attachedLine(event: Extract<TurnEvent, { type: 'attached' }>): string {
  return event.what === 'prompt' ? `ran the MCP prompt ${event.server} › ${event.name}` : `attached @${event.server}:${event.name}${event.detail ? ` (${event.detail})` : ''}`;
}
