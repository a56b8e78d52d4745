import type { ApprovalReason } from '../../auth/login/sign-in-policy.js';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import type { PermissionRule, SavedRule } from './permissions/policy.js';
import type { CallAnswer } from './tool-calls/questions.js';
import type { Notices } from './notices.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';
import type { ToolCallRecord } from './tool-calls/types.js';
import type { ModelInfo, TurnUsage } from './model/types.js';

// Defined with the model (a leaf the engine's types build on), part of the engine's view.
export type { ModelInfo, TurnUsage } from './model/types.js';

/**
 * The agent engine as its two front ends (print mode and the Ink TUI) see it.
 * The UI renders this state and calls these methods; it never touches MCP or MSAL.
 */

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'connected'; serverName?: string; toolCount: number; protocolVersion?: string; logging?: true }
  /** `permanent`: retrying by itself will not help (no such host, no MCP endpoint there…). */
  | { state: 'unreachable'; error: string; permanent?: true }
  | { state: 'sign-in-needed'; reason: string };

export type AuthState =
  /**
   * No sign-in is in use: `why` — `no-auth` (--no-auth), `none` (its `auth` is none, or a fixed
   * bearer token), `not-asked` (it signs in as the server asks, and the server has not asked).
   */
  | { state: 'disabled'; why?: 'no-auth' | 'none' | 'not-asked' }
  | { state: 'signed-out' }
  /** Interactive sign-in running; `prompt` once the provider issued the device code. */
  | { state: 'signing-in'; prompt?: DeviceCodePrompt }
  /** `expiresAt`: epoch ms of the current access token. */
  | { state: 'signed-in'; account: string; expiresAt: number }
  /** The server asks for a token it is not approved for (or names an unknown identity provider): nothing is sent until the user approves. */
  | { state: 'approval-needed'; request: ApprovalReason }
  /** The user said no; nothing is sent. An explicit sign-in (/login) asks again. */
  | { state: 'approval-declined'; request: ApprovalReason }
  /** `rejected`: the server refused a token just issued for it; signing in again would not help. */
  | { state: 'error'; error: string; rejected?: true };

/** One MCP server's own state; servers connect, fail and reconnect independently. */
export type ServerConnection =
  /** `attempt` > 1: a reconnect after a failure. */
  | { state: 'connecting'; attempt: number }
  /** `logging`: the server declared the logging capability (it takes a log level). */
  | { state: 'connected'; protocolVersion?: string; toolCount: number; logging?: true }
  | { state: 'sign-in-needed'; reason: string }
  /** `retryAt` (epoch ms): a reconnect is scheduled (back-off); absent: only /mcp reconnect tries again. */
  | { state: 'failed'; error: string; retryAt?: number };

/** One log message a server sent (`notifications/message`), made one terminal-safe line. */
export interface ServerLogLine {
  /** Epoch ms of arrival. */
  at: number;
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';
  logger?: string;
  text: string;
}

export interface ServerStatus {
  name: string;
  transport: 'http' | 'sse' | 'stdio';
  /** Where it is, fit to print: a URL without userinfo or query values, or the command. */
  target: string;
  connection: ServerConnection;
  auth: AuthState;
  /** What the server calls itself (initialize's serverInfo.name), once it answered. */
  serverName?: string;
  /** The last failure, kept after a reconnect succeeds (one line, as the server or network put it). */
  lastError?: string;
  /** The server's latest log messages at or above its shown level (`warning` unless set). */
  logs?: ServerLogLine[];
  /**
   * The user named it on the command line, and how (`--server`, or `--mcp-config FILE`): a -p turn
   * that cannot use it fails rather than answer without it.
   */
  required?: string;
}

/** The status bar's share of /cost: the context used and the cost so far (absent until the first request). */
export interface UsageStatus {
  contextTokens: number;
  contextWindow: number;
  costUsd?: number;
}

export interface SessionStatus {
  /** All servers at a glance: connected while any is (tool count = all tools offered). */
  connection: ConnectionState;
  /** The sign-in of the server that needs one (the first with sign-in, else disabled). */
  auth: AuthState;
  model: ModelInfo;
  /** Every configured server, in configuration order. */
  servers: ServerStatus[];
  /** Context and cost so far, once a request was made (or a conversation resumed). */
  usage?: UsageStatus;
}

export type TurnEvent =
  /** Assistant text as it streams. */
  | { type: 'text'; delta: string }
  /** A tool call started; its live record is in the registry under `callId`. */
  | { type: 'tool-call'; callId: string }
  /** A tool call ended (done, failed, denied or cancelled); its record is final. `resultTokens`: what its result added for the model (estimated). */
  | { type: 'tool-call-end'; callId: string; server?: string; resultTokens: number }
  /** Whether a call may run was decided (by a rule, a flag, the server's trust or the user). */
  | { type: 'approval'; callId?: string; server: string; tool: string; decision: 'allow' | 'deny'; source: string }
  /** One model request's usage (compaction included) and, per server, the tokens its tool definitions took in it. */
  | { type: 'usage'; model: string; usage: TurnUsage; toolTokens: Record<string, number> }
  /** Something the user should see that is not assistant text, e.g. "rate limited, retrying in 2 s". */
  | { type: 'notice'; message: string }
  /** The history was compacted (by the API or by Warden) or old tool results were cleared from it. */
  | { type: 'compacted'; compaction: Compaction }
  /** The line ran an MCP prompt (`/server:prompt`), or attached a resource it mentions (`@server:uri`); `detail`: type and size. */
  | { type: 'attached'; what: 'prompt' | 'resource'; server: string; name: string; detail?: string };

/** What happened to the history: who compacted, how, and how big the context was before and after (estimates). */
export interface Compaction {
  how: 'server-summary' | 'local-summary' | 'local-clearing' | 'server-clearing';
  tokensBefore: number;
  tokensAfter: number;
  /** The summary (or what was cleared), as the user is shown it. */
  summary: string;
}

export interface TurnResult {
  /** The assistant's full text for this turn. */
  text: string;
  /** Ids (in the registry) of the calls made during the turn, in start order. */
  callIds: string[];
  usage: TurnUsage;
  stopReason: 'end_turn' | 'cancelled' | 'turn_limit' | 'error';
  /** One-line reason when stopReason is 'error'. */
  error?: string;
}

export interface ToolSummary {
  /** The tool's own name on its server. */
  name: string;
  description: string;
  /** The server it belongs to, when the session has several (or configured) servers. */
  server?: string;
  /** Set when the model is not offered this tool, saying why. */
  withheld?: string;
}

/** Tool permissions for /permissions: the configuration's patterns, and the rules saved from prompts. */
export interface PermissionRules {
  allow: readonly PermissionRule[];
  deny: readonly PermissionRule[];
  saved: readonly SavedRule[];
}

/** One model's share of the conversation: its requests, tokens by kind, and their cost (undefined: not in the price table). */
export interface ModelUsage {
  model: string;
  requests: number;
  usage: TurnUsage;
  costUsd?: number;
}

/** What one MCP server's tools added to the conversation: their results, and their definitions in every request. */
export interface ServerUsage {
  server: string;
  calls: number;
  /** Estimated tokens of its tool results, as sent to the model. */
  resultTokens: number;
  /** Estimated tokens of its tool definitions in the latest request. */
  definitionTokens: number;
  /** The same summed over every request that carried them. */
  definitionTokensSent: number;
}

/** /cost: the conversation's tokens and cost so far, by model and by server, and the context now. */
export interface UsageReport {
  models: ModelUsage[];
  servers: ServerUsage[];
  /** All priced models together (undefined when no request was priced). */
  costUsd?: number;
  /** Models used that the price table does not know: their cost is not in `costUsd`. */
  unpriced: string[];
  /** The date of the price table. */
  pricesAsOf: string;
  /** The last request's context and the window (once known). */
  context?: { tokens: number; window: number };
}

/** One entry of a resumed conversation, as the transcript shows it. */
export type HistoryEntry =
  | { kind: 'user'; text: string }
  | { kind: 'assistant'; text: string }
  /** A finished call (a synthetic record: it is not in the registry). */
  | { kind: 'call'; call: ToolCallRecord }
  /** The history was compacted (or old tool results cleared) at this point. */
  | { kind: 'compaction'; compaction: Compaction }
  /** Something else the user should know about the conversation. */
  | { kind: 'notice'; text: string };

/** An MCP prompt a server offers, as `/server:prompt` runs it. Names and descriptions are the server's (not yet terminal-safe). */
export interface PromptSummary {
  server: string;
  name: string;
  title?: string;
  description?: string;
  arguments: Array<{ name: string; description?: string; required: boolean }>;
  /** How it is typed: `/server:prompt CITY [STATE]`. */
  usage: string;
}

/** One completion of what is typed (a prompt's argument, an `@server:uri` mention): `value` replaces the word. */
export interface InputCompletion {
  value: string;
  label?: string;
  description?: string;
  /** Whole: a space may follow it. Otherwise more is to be typed (a server's `:`, a URI template's rest). */
  complete: boolean;
}

/** Which saved conversation to go on with at start: one by ID, the latest of this directory, or one the user picks (the chat). */
export type ResumeChoice = { id: string } | { latest: true } | { pick: true };

/** A saved conversation, as the picker lists it. */
export interface ConversationSummary {
  id: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  cwd: string;
  /** The first thing the user asked, as typed (not yet terminal-safe). */
  firstPrompt: string;
  /** The saved file's size in bytes. */
  bytes: number;
}

export interface ResumedConversation {
  id: string;
  /** The conversation so far, for the transcript. */
  history: HistoryEntry[];
  /** What the user should know about the file (a damaged last entry …), one line each. */
  notices: string[];
  /** Once servers have connected: one line naming the servers and tools it used that are gone, if any. */
  gone: Promise<string | undefined>;
}

export interface TurnOptions {
  /** Aborting cancels the whole turn (model stream and running calls). */
  signal?: AbortSignal;
  onEvent?: (event: TurnEvent) => void;
}

/** The error of a turn asked for while another runs. */
export const TURN_ALREADY_RUNNING = 'a turn is already running';

export interface AgentEngine {
  readonly registry: ToolCallRegistry;
  /** Lines for the user from the engine's parts (token store, audit log, saved conversations): the front end shows them. */
  readonly notices: Notices;
  getStatus(): SessionStatus;
  /** Called on every status change (connection, auth, sign-in prompt). */
  subscribeStatus(listener: () => void): () => void;
  /** Connects every server (concurrently) and acquires tokens silently; never throws — the outcome is in getStatus(). */
  start(): Promise<void>;
  /**
   * Resolves once every server's first connect has succeeded or failed, or after `ms`, whichever is
   * first; without `ms`, each server is waited for up to its own connect timeout.
   */
  settled(ms?: number): Promise<void>;
  /**
   * One user turn: model ↔ tools until the model ends its turn. Never throws; failures are in the
   * result. One turn at a time: while one runs, another ends at once with `TURN_ALREADY_RUNNING`.
   * `/server:prompt args` runs a server's MCP prompt; `@server:uri` mentions attach resources.
   */
  runTurn(prompt: string, options?: TurnOptions): Promise<TurnResult>;
  listTools(): Promise<ToolSummary[]>;
  /** The MCP prompts of the connected servers that offer them (each runs as `/server:prompt args`); a server that fails to list is left out. */
  listPrompts(): Promise<PromptSummary[]>;
  /**
   * Values for the argument of `/server:prompt` the cursor is on (`completion/complete`): `given` are
   * the words typed before it, `value` what is typed of it. Empty for an unknown prompt or server.
   */
  completePromptArgument(server: string, prompt: string, given: readonly string[], value: string, signal?: AbortSignal): Promise<InputCompletion[]>;
  /** Completions for an `@` mention being typed (`typed` without the `@`): servers with resources, then their resources and templates. */
  completeMention(typed: string, signal?: AbortSignal): Promise<InputCompletion[]>;
  /**
   * Interactive device-code sign-in to `server` (default: the first server that needs it); the
   * prompt appears in getStatus().auth while it runs.
   */
  signIn(signal?: AbortSignal, server?: string): Promise<void>;
  /** Replaces the directories offered to servers as roots and tells them (`notifications/roots/list_changed`). */
  setRoots(paths: readonly string[]): Promise<void>;
  /** Every log message kept for one server (all levels); throws for an unknown name. */
  serverLogs(name: string): ServerLogLine[];
  /** `logging/setLevel` on one server; throws for an unknown name or a server without logging. */
  setServerLogLevel(name: string, level: ServerLogLine['level']): Promise<void>;
  /** Drops and reconnects one server now (its back-off starts over); throws for an unknown name. */
  reconnectServer(name: string): Promise<void>;
  signOut(): Promise<void>;
  /**
   * The user's answer while auth is 'approval-needed': true records the approval (this server for
   * the scope, or the identity provider's host) and reconnects; false sends nothing.
   */
  answerApproval(approved: boolean): Promise<void>;
  /**
   * The user's answer to the question a waiting call carries (record.question); the call goes on
   * with it. False when that call asks nothing (already answered, cancelled) or asks another kind.
   */
  answerCall(callId: string, answer: CallAnswer): boolean;
  permissionRules(): PermissionRules;
  /** Forgets a saved rule, now and in the user file; false when there was no such rule. */
  forgetRule(rule: SavedRule): Promise<boolean>;
  /** Forgets the conversation (and finished calls); what follows is saved as a new conversation. */
  clearHistory(): void;
  /**
   * Compacts the conversation now (`/compact`): on the server where the API offers it, else Warden
   * summarizes. Throws (one line) while a turn runs or when there is nothing to compact.
   */
  compact(instructions?: string): Promise<Compaction>;
  /** The conversation's tokens and cost so far (a resumed one's earlier sessions included). */
  usage(): UsageReport;
  /** The saved conversation's ID, once anything of it is saved (undefined when nothing is saved). */
  conversationId(): string | undefined;
  /** This directory's saved conversations, newest first (empty when conversations are not saved). */
  listConversations(): Promise<ConversationSummary[]>;
  /**
   * Goes on with a saved conversation (its ID or an unambiguous start of it; absent: the latest of
   * this directory): the model gets its history as it was, and what follows is appended to it.
   * Throws (one line) when there is no such conversation, or while a turn runs.
   */
  resume(id?: string): Promise<ResumedConversation>;
  close(): Promise<void>;
}
