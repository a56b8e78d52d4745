/**
 * Which of a server's listed tools the model is offered: the one rule behind every tool count the
 * user sees (`/mcp`, the status bar, `/tools`, `warden mcp list`). A tool counts when the server's
 * `tools` filter lets it through and it does not run only as a task (Warden does not run tasks).
 *
 * Not responsible for: listing (the session), naming tools for the model (tool-names.ts).
 */
import type { Tool } from '@modelcontextprotocol/client';
import { globMatch } from './glob.js';
import type { ServerConfig, ToolFilter } from './server-config.js';

/** Why a task-only tool is listed in /tools but not offered. */
export const TASK_ONLY_REASON = 'runs only as a task (execution.taskSupport "required"), which Warden does not run';

/** Tools that only run as tasks: Warden does not run tasks, so offering one would only fail. */
export function requiresTask(tool: Tool): boolean {
  return (tool as { execution?: { taskSupport?: string } }).execution?.taskSupport === 'required';
}

function toolAllowed(filter: ToolFilter, name: string): boolean {
  if (!filter) return true;
  if ('include' in filter) return filter.include.some((p) => globMatch(p, name));
  return !filter.exclude.some((p) => globMatch(p, name));
}

/** The listed tools the model is offered. */
export function offeredTools(config: Pick<ServerConfig, 'tools'>, listed: readonly Tool[]): Tool[] {
  return listed.filter((t) => toolAllowed(config.tools, t.name) && !requiresTask(t));
}

/** The listed tools its filter lets through that are not offered because they need something Warden lacks. */
export function withheldTools(config: Pick<ServerConfig, 'tools'>, listed: readonly Tool[]): Tool[] {
  return listed.filter((t) => toolAllowed(config.tools, t.name) && requiresTask(t));
}
