import { safeLine } from '../../../config/terminal-text.js';
import type { SlashCommand } from './types.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `/mcp`: every server and its state; `/mcp reconnect NAME`: connect that server again now. */
export const mcp: SlashCommand = {
  name: 'mcp',
  description: 'the MCP servers and their state; /mcp reconnect NAME',
  async run(ctx, args) {
    const [sub, name, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    if (sub === undefined) {
      ctx.add({ kind: 'servers', servers: ctx.engine.getStatus().servers, now: ctx.now });
      return;
    }
    if (sub !== 'reconnect' || name === undefined || rest.length > 0) {
      ctx.add({ kind: 'error', text: 'Usage: /mcp, or /mcp reconnect NAME' });
      return;
    }
    ctx.add({ kind: 'info', text: `Reconnecting ${safeLine(name, 64)}…` });
    try {
      await ctx.engine.reconnectServer(name);
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not reconnect: ${safeLine(message(error))}` });
      return;
    }
    const server = ctx.engine.getStatus().servers.find((s) => s.name === name);
    if (server) ctx.add({ kind: 'servers', servers: [server], now: ctx.now });
  },
};
