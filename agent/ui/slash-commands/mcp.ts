import { errorMessage } from '../../../config/error-text.js';
import { safeLine } from '../../../config/terminal-text.js';
import { isLoggingLevel } from '../../core/host/server-logs.js';
import type { SlashCommand } from './types.js';

/** Log lines /mcp logs shows; the server keeps more (all of them go to nobody's screen at once). */
const LOG_LINES = 50;
const USAGE = 'Usage: /mcp, /mcp reconnect NAME, /mcp logs NAME, or /mcp level NAME LEVEL (debug … emergency)';

/** `/mcp`: every server and its state; `reconnect NAME`: connect again now; `logs NAME`: its log; `level NAME LEVEL`: logging/setLevel. */
export const mcp: SlashCommand = {
  name: 'mcp',
  description: 'the MCP servers and their state; /mcp reconnect|logs NAME, /mcp level NAME LEVEL',
  async run(ctx, args) {
    const [sub, name, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    if (sub === undefined) {
      ctx.add({ kind: 'servers', servers: ctx.engine.getStatus().servers, now: ctx.now });
      return;
    }
    if (sub === 'logs' && name !== undefined && rest.length === 0) {
      try {
        const lines = ctx.engine.serverLogs(name);
        ctx.add({ kind: 'server-logs', server: name, lines: lines.slice(-LOG_LINES), total: lines.length });
      } catch (error) {
        ctx.add({ kind: 'error', text: safeLine(errorMessage(error)) });
      }
      return;
    }
    if (sub === 'level' && name !== undefined && rest.length === 1) {
      const level = rest[0] ?? '';
      if (!isLoggingLevel(level)) {
        ctx.add({ kind: 'error', text: `Unknown log level "${safeLine(level, 32)}". ${USAGE}` });
        return;
      }
      try {
        await ctx.engine.setServerLogLevel(name, level);
        ctx.add({ kind: 'info', text: `${safeLine(name, 64)} now shows log messages from ${level} up.` });
      } catch (error) {
        ctx.add({ kind: 'error', text: `Could not set the log level: ${safeLine(errorMessage(error))}` });
      }
      return;
    }
    if (sub !== 'reconnect' || name === undefined || rest.length > 0) {
      ctx.add({ kind: 'error', text: USAGE });
      return;
    }
    ctx.add({ kind: 'info', text: `Reconnecting ${safeLine(name, 64)}…` });
    try {
      await ctx.engine.reconnectServer(name);
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not reconnect: ${safeLine(errorMessage(error))}` });
      return;
    }
    const server = ctx.engine.getStatus().servers.find((s) => s.name === name);
    if (server) ctx.add({ kind: 'servers', servers: [server], now: ctx.now });
  },
};
