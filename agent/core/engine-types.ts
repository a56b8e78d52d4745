import type { ApprovalReason } from '../../auth/login/sign-in-policy.js';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';

/**
 * The agent engine as its two front ends (print mode and the Ink TUI) see it.
 * The UI renders this state and calls these methods; it never touches MCP or MSAL.
 */

export type ModelInfo =
  | { kind: 'claude'; model: string }
  /** The offline demo model (no ANTHROPIC_API_KEY). */
  | { kind: 'demo' };

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'connected'; serverName?: string; toolCount: number }
  | { state: 'unreachable'; error: string }
  | { state: 'sign-in-needed'; reason: string };

export type AuthState =
  /** --no-auth: no token is ever sent. */
  | { state: 'disabled' }
  | { state: 'signed-out' }
  /** Interactive sign-in running; `prompt` once the provider issued the device code. */
  | { state: 'signing-in'; prompt?: DeviceCodePrompt }
  /** `expiresAt`: epoch ms of the current access token. */
  | { state: 'signed-in'; account: string; expiresAt: number }
  /** The server asks for a token it is not approved for (or names an unknown identity provider): nothing is sent until the user approves. */
  | { state: 'approval-needed'; request: ApprovalReason }
  /** The user said no; nothing is sent. An explicit sign-in (/login) asks again. */
  | { state: 'approval-declined'; request: ApprovalReason }
  | { state: 'error'; error: string };

export interface SessionStatus {
  serverUrl: string;
  connection: ConnectionState;
  auth: AuthState;
  model: ModelInfo;
}

export type TurnEvent =
  /** Assistant text as it streams. */
  | { type: 'text'; delta: string }
  /** A tool call started; its live record is in the registry under `callId`. */
  | { type: 'tool-call'; callId: string }
  /** Something the user should see that is not assistant text, e.g. "rate limited, retrying in 2 s". */
  | { type: 'notice'; message: string };

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
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
  name: string;
  description: string;
}

export interface TurnOptions {
  /** Aborting cancels the whole turn (model stream and running calls). */
  signal?: AbortSignal;
  onEvent?: (event: TurnEvent) => void;
}

export interface AgentEngine {
  readonly registry: ToolCallRegistry;
  getStatus(): SessionStatus;
  /** Called on every status change (connection, auth, sign-in prompt). */
  subscribeStatus(listener: () => void): () => void;
  /** Connects and acquires a token silently; never throws — the outcome is in getStatus(). */
  start(): Promise<void>;
  /** One user turn: model ↔ tools until the model ends its turn. Never throws; failures are in the result. */
  runTurn(prompt: string, options?: TurnOptions): Promise<TurnResult>;
  listTools(): Promise<ToolSummary[]>;
  /** Interactive device-code sign-in; the prompt appears in getStatus().auth while it runs. */
  signIn(signal?: AbortSignal): Promise<void>;
  signOut(): Promise<void>;
  /**
   * The user's answer while auth is 'approval-needed': true records the approval (this server for
   * the scope, or the identity provider's host) and reconnects; false sends nothing.
   */
  answerApproval(approved: boolean): Promise<void>;
  /** Forgets the conversation (and finished calls). */
  clearHistory(): void;
  close(): Promise<void>;
}
