import type { Compaction, ServerLogLine, ServerStatus, SessionStatus, ToolSummary, UsageReport } from '../core/engine-types.js';
import type { ToolCallRecord } from '../core/tool-calls/types.js';

/** Which page of /tools an entry is (`filter`: the server or tool it was asked for). */
export interface ToolsPage {
  number: number;
  pages: number;
  /** Tools listed on all pages, withheld ones included. */
  total: number;
  /** Of those, how many the model is not offered. */
  withheld?: number;
  filter?: string;
}

export interface CommandHelp {
  name: string;
  description: string;
}

/** An MCP prompt as /help lists it: how it is typed and what it does (the server's words). */
export interface PromptHelp {
  usage: string;
  description: string;
}

/** What the transcript shows; finished entries never change (they go to Ink's <Static>). */
export type TranscriptEntry =
  | { kind: 'welcome'; demo: boolean }
  | { kind: 'user'; text: string }
  /** `continued`: a later paragraph of the same reply (committed while it streams). */
  | { kind: 'assistant'; text: string; continued: boolean }
  /** A finished tool call, collapsed to one line. */
  | { kind: 'call'; call: ToolCallRecord }
  /** The history was compacted (or old tool results cleared): what, and the summary's start. */
  | { kind: 'compaction'; compaction: Compaction }
  /** /cost: the account as it was when asked. */
  | { kind: 'cost'; report: UsageReport }
  | { kind: 'info'; text: string }
  | { kind: 'notice'; text: string }
  | { kind: 'error'; text: string }
  /** A command to copy: printed as one line however wide (the terminal wraps it, a copy gets it whole), under its label. */
  | { kind: 'copy'; label: string; text: string }
  /** `prompts`: the servers' MCP prompts (their words, made terminal-safe where shown). */
  | { kind: 'help'; commands: readonly CommandHelp[]; prompts?: readonly PromptHelp[] }
  /** One page of /tools: only that page is kept (a server may list thousands). */
  | { kind: 'tools'; tools: readonly ToolSummary[]; page?: ToolsPage }
  /** /mcp logs NAME: a server's log messages (already terminal-safe lines). */
  | { kind: 'server-logs'; server: string; lines: readonly ServerLogLine[]; total: number }
  | { kind: 'status'; status: SessionStatus; now: number }
  /** /mcp: the servers as they were when asked; `of`: how many there are when only some are shown. */
  | { kind: 'servers'; servers: readonly ServerStatus[]; now: number; of?: number };

export type TranscriptItem = TranscriptEntry & { readonly id: number };
