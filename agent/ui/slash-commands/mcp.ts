import { errorMessage } from '../../../config/error-text.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerStatus } from '../../core/engine-types.js';
import { isLoggingLevel, LOGGING_LEVELS } from '../../core/host/server-logs.js';
import type { CompletionItem } from '../completion/types.js';
import { serverItems, serverNamed } from './server-names.js';
import type { SlashCommand } from './types.js';

/** Log lines /mcp logs shows; the server keeps more (all of them go to nobody's screen at once). */
const LOG_LINES = 50;
const USAGE = 'Usage: /mcp, /mcp reconnect NAME, /mcp logs NAME, or /mcp level NAME LEVEL (debug … emergency)';

/** A server takes a log level only when it declared logging (known once it connected). */
const hasLogging = (server: ServerStatus): boolean => server.connection.state === 'connected' && server.connection.logging === true;

const SUBCOMMANDS: readonly CompletionItem[] = [
  { value: 'reconnect ', label: 'reconnect', description: 'connect a server again now' },
  { value: 'logs ', label: 'logs', description: "a server's log messages" },
  { value: 'level ', label: 'level', description: 'which log messages a server sends (servers with logging)' },
];

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
    const known = ['reconnect', 'logs', 'level'];
    if (!known.includes(sub) || name === undefined || rest.length > (sub === 'level' ? 1 : 0) || (sub === 'level' && rest.length === 0)) {
      ctx.add({ kind: 'error', text: USAGE });
      return;
    }
    // The name is checked before anything is done or said about it.
    const server = serverNamed(ctx, name);
    if (!server) return;
    if (sub === 'logs') {
      try {
        const lines = ctx.engine.serverLogs(name);
        ctx.add({ kind: 'server-logs', server: name, lines: lines.slice(-LOG_LINES), total: lines.length });
      } catch (error) {
        ctx.add({ kind: 'error', text: safeLine(errorMessage(error)) });
      }
      return;
    }
    if (sub === 'level') {
      const level = rest[0] ?? '';
      if (!isLoggingLevel(level)) {
        ctx.add({ kind: 'error', text: `Unknown log level "${safeLine(level, 32)}": use one of ${LOGGING_LEVELS.join(', ')}.` });
        return;
      }
      if (server.connection.state === 'connected' && !hasLogging(server)) {
        ctx.add({ kind: 'error', text: `${safeLine(name, 64)} does not take a log level (it declared no logging capability).` });
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
    ctx.add({ kind: 'info', text: `Reconnecting ${safeLine(name, 64)}…` });
    try {
      await ctx.engine.reconnectServer(name);
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not reconnect: ${safeLine(errorMessage(error))}` });
      return;
    }
    const status = ctx.engine.getStatus().servers;
    const after = status.find((s) => s.name === name);
    if (after) ctx.add({ kind: 'servers', servers: [after], now: ctx.now, of: status.length });
  },
  complete(given, { status }) {
    const [sub, name] = given;
    if (sub === undefined) return SUBCOMMANDS;
    if (name === undefined) {
      if (sub === 'level') return serverItems(status, hasLogging);
      return sub === 'reconnect' || sub === 'logs' ? serverItems(status) : [];
    }
    if (sub === 'level' && given.length === 2) return LOGGING_LEVELS.map((level) => ({ value: `${level} `, label: level }));
    return [];
  },
};
