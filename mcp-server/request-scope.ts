/** What the access log line of one HTTP request collects while the request runs. */
export interface RequestScope {
  /** Short random id, also in every log line the request's tool call writes. */
  id: string;
  rpc?: string;
  tool?: string;
  /** e.g. "cancelled" when the tool stopped early. */
  outcome?: string;
  /** The metric labels of the request (known values only; see observe/metrics.ts). */
  labels?: { method: string; tool: string };
  /** Ids of the request's span, with tracing on: every log line about the request carries them. */
  trace?: { trace_id: string; span_id: string };
}

/**
 * Carries the scope from the HTTP layer into tool handlers without threading it through the SDK:
 * keyed by the web Request the SDK hands every handler as `ctx.http.req`. Not an AsyncLocalStorage:
 * on Node 20 that turns on promise hooks for every promise in the process (a few % of the server's
 * CPU under load; bench/README.md).
 */
const scopes = new WeakMap<Request, RequestScope>();

export function bindScope(request: Request, scope: RequestScope): void {
  scopes.set(request, scope);
}

/** The scope of the HTTP request a handler runs for; undefined when there is none. */
export function scopeOf(request: Request | undefined): RequestScope | undefined {
  return request && scopes.get(request);
}
