import type { CallQuestion } from './questions.js';

/** Where one tool call is in its life. `queued` calls wait for a connection; terminal states never change again. */
export type ToolCallStatus = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export const TERMINAL_STATUSES: ReadonlySet<ToolCallStatus> = new Set(['done', 'error', 'cancelled']);

/**
 * One tool call as the UI and print mode see it. Records are immutable: every change
 * replaces the object, so renderers can compare by reference.
 */
export interface ToolCallRecord {
  /** Registry-unique id (also used as the model's tool_use id when there is one). */
  readonly id: string;
  /** The tool's own name on its server. */
  readonly tool: string;
  /** The server it runs on, when the session has several (shown as `server › tool`). */
  readonly server?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly status: ToolCallStatus;
  /** Latest MCP progress value, as sent by the server (monotonic per call). */
  readonly progress?: number;
  readonly total?: number;
  /** Latest human progress message: one terminal-safe line, capped (display only). */
  readonly message?: string;
  /** How many progress notifications this call received. */
  readonly progressEvents: number;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
  /** Text result (tool output) for done calls; the tool's error text for error calls. Capped for display: the model gets the whole text elsewhere. */
  readonly result?: string;
  /** Why the call failed or was cancelled, in one line. */
  readonly error?: string;
  /** The latest server log message shown with this call (level at or above the server's shown level; a terminal-safe line). */
  readonly log?: { readonly level: string; readonly text: string };
  /** Set when the call never ran because it was not allowed (status 'cancelled'; `error` says why). */
  readonly denied?: Denial;
  /** The call waits for the user's answer to this (ToolCallRegistry.ask); gone once answered. */
  readonly question?: CallQuestion;
  /** More questions of this call wait behind `question` (its server asked several at once); each comes up in turn. */
  readonly questionsBehind?: number;
}

/** Who stopped a call before it ran: a deny rule or flag, the user's answer, or a front end that cannot ask (-p). */
export type Denial = 'rule' | 'user' | 'cannot-ask';

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}
