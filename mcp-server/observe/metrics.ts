/**
 * What the server counts for operators (Prometheus, mcp-server/observe/prometheus.ts), as one
 * interface the HTTP layer, the tools, the JWKS and the NWS client report to. Off (METRICS_PORT
 * unset) it is `noMetrics`: every call does nothing. Labels are a fixed, small set: whatever a
 * caller sends (method names, tool names, Authorization schemes) is folded into known values
 * before it becomes a label, so no caller can grow the number of series.
 * Not responsible for serving the exposition (prometheus.ts) or for traces (tracing.ts).
 */
import type { AuthFailure } from '../../auth/verify/challenge.js';
import { isToolName } from '../tools/names.js';

/** How a tool call ended, as a label. */
export type ToolOutcome = 'ok' | 'error' | 'cancelled';

export interface ServerMetrics {
  /** One finished HTTP request to /mcp: its JSON-RPC method and tool (labels) and its status. */
  request(method: string, tool: string, status: number, seconds: number): void;
  /** A refusal of the bearer gate, by its error code (no_token, invalid_token, insufficient_scope, …). */
  authRefused(reason: string): void;
  /** An SSE response (a call's progress stream) opened or closed. */
  stream(delta: 1 | -1): void;
  tool(tool: string, outcome: ToolOutcome, seconds: number): void;
  /** A fetch of the signing keys (JWKS): its outcome. */
  jwksFetch(outcome: 'ok' | 'error'): void;
  /** One NWS HTTP request: its outcome (`ok`, or what failed) and how long it took. */
  nwsRequest(outcome: string, seconds: number): void;
  /** A tool call refused by the per-principal rate limit. */
  rateLimited(): void;
}

export const noMetrics: ServerMetrics = {
  request() {},
  authRefused() {},
  stream() {},
  tool() {},
  jwksFetch() {},
  nwsRequest() {},
  rateLimited() {},
};

/** JSON-RPC methods a label may name; anything else a caller invents is `other`. */
const METHODS = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'prompts/list',
  'notifications/initialized',
  'notifications/cancelled',
]);

/** The `method` label of a request: its first message's method when known, `batch` for several, `none` without a body. */
export function methodLabel(methods: readonly (string | undefined)[] | undefined): string {
  if (!methods || methods.length === 0) return 'none';
  if (methods.length > 1) return 'batch';
  const method = methods[0];
  if (method === undefined) return 'response';
  return METHODS.has(method) ? method : method.startsWith('notifications/') ? 'notifications/other' : 'other';
}

/** The `tool` label: one of the server's tools, `other` for a name it does not have, empty when no tool was called. */
export function toolLabel(tool: string | undefined): string {
  if (tool === undefined) return '';
  return isToolName(tool) ? tool : 'other';
}

/** The `reason` label of an auth refusal: the RFC 6750 error code, `no_token` for a plain challenge, `unavailable` for 503. */
export function refusalReason(failure: AuthFailure): string {
  if (failure.status === 503) return 'unavailable';
  return failure.body.error === 'unauthorized' ? 'no_token' : failure.body.error;
}
