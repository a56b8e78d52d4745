import { AsyncLocalStorage } from 'node:async_hooks';

/** What the access log line of one HTTP request collects while the request runs. */
export interface RequestScope {
  /** Short random id, also in every log line the request's tool call writes. */
  id: string;
  rpc?: string;
  tool?: string;
  /** e.g. "cancelled" when the tool stopped early. */
  outcome?: string;
}

/** Carries the scope from the HTTP layer into tool handlers without threading it through the SDK. */
export const requestScope = new AsyncLocalStorage<RequestScope>();
