/**
 * The saved conversation's file format: one JSON object a line, appended as the conversation
 * goes. The first line names the conversation; every later line is one thing that happened.
 * Replaying the lines in order rebuilds the history the model had (replay.ts).
 *
 * Not responsible for: writing (writer.ts), reading (reader.ts), keeping secrets out (recorder.ts
 * scrubs every record before it is written).
 */
import { randomBytes } from 'node:crypto';
import type { Compaction, TurnUsage } from '../engine-types.js';
import type { ChatMessage, ContentBlock } from '../model/types.js';
import type { ToolCallStatus, Denial } from '../tool-calls/types.js';

export const CONVERSATION_VERSION = 1;

/** The first line: which conversation this is, where it was started. */
export interface HeaderRecord {
  type: 'conversation';
  version: number;
  id: string;
  /** ISO time. */
  createdAt: string;
  /** The directory it was started in (`warden --continue` picks the latest of the current one). */
  cwd: string;
}

/** The model and servers in use, written when the conversation starts or is resumed and when they change. */
export interface SessionRecord {
  type: 'session';
  at: string;
  /** The Claude model id, or "demo". */
  model: string;
  servers: Array<{ name: string; transport: string; target: string }>;
}

/** Blocks added to the user side: a prompt, tool results. */
export interface UserRecord {
  type: 'user';
  at: string;
  content: ContentBlock[];
}

/** One model reply as it is kept in the history. */
export interface AssistantRecord {
  type: 'assistant';
  at: string;
  model: string;
  content: ContentBlock[];
  stopReason: string;
  usage?: TurnUsage;
  /** Per server, the tokens its tool definitions took in the request. */
  toolTokens?: Record<string, number>;
}

/** A model request that left no reply in the history (Warden's own summary), for the cost. */
export interface UsageRecord {
  type: 'usage';
  at: string;
  model: string;
  usage: TurnUsage;
}

/** A finished tool call, for the transcript and /cost (the model's copy of its result is in the user record). */
export interface CallRecord {
  type: 'call';
  at: string;
  /** The model's tool_use id. */
  id: string;
  server?: string;
  tool: string;
  arguments: Record<string, unknown>;
  status: ToolCallStatus;
  /** What the transcript shows: a bounded summary of the result. */
  result?: string;
  error?: string;
  denied?: Denial;
  durationMs?: number;
  /** Estimated tokens the result added for the model (on the end record). */
  resultTokens?: number;
}

/** Whether a call was allowed to run, and what decided. */
export interface ApprovalRecord {
  type: 'approval';
  at: string;
  callId?: string;
  server: string;
  tool: string;
  decision: 'allow' | 'deny';
  source: string;
}

/**
 * The history was compacted, or old tool results cleared from it. With `messages` Warden did it and
 * the history is `messages` from here on; without, the API did (its compaction block is in the
 * assistant record before this one) or cleared results on its side only.
 */
export interface CompactionRecord extends Compaction {
  type: 'compaction';
  at: string;
  messages?: ChatMessage[];
}

export type ConversationRecord = HeaderRecord | SessionRecord | UserRecord | AssistantRecord | CallRecord | ApprovalRecord | CompactionRecord | UsageRecord;

/** `20261207-143501-a1b2`: sorts by time, short enough to type. */
export const CONVERSATION_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

/** What may be an ID on the command line: its start (at least 4 characters), never a prompt. */
export const CONVERSATION_ID_ARG = /^\d{4,8}(-\d{1,6}(-[0-9a-f]{1,4})?)?$/;

export function newConversationId(now: number): string {
  const iso = new Date(now).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

export const FILE_SUFFIX = '.jsonl';
