/**
 * Token usage arithmetic, one place: adding replies' usage up, and how much context a reply's
 * request held (uncached input + what was written to and read from the prompt cache).
 *
 * Not responsible for: prices (cost/prices.ts), where usage comes from (the model adapters).
 */
import type { TurnUsage } from './model/types.js';

export const NO_USAGE: TurnUsage = { inputTokens: 0, outputTokens: 0 };

/** `a + b`, keeping the cache fields only when either side has them. */
export function addUsage(a: TurnUsage, b: TurnUsage): TurnUsage {
  const sum = (x?: number, y?: number): number | undefined => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const creation = sum(a.cacheCreationInputTokens, b.cacheCreationInputTokens);
  const oneHour = sum(a.cacheCreation1hInputTokens, b.cacheCreation1hInputTokens);
  const read = sum(a.cacheReadInputTokens, b.cacheReadInputTokens);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(creation !== undefined && { cacheCreationInputTokens: creation }),
    ...(oneHour !== undefined && { cacheCreation1hInputTokens: oneHour }),
    ...(read !== undefined && { cacheReadInputTokens: read }),
  };
}

/** Every input token of a request, cached or not: the context the model had. */
export function contextTokens(usage: TurnUsage): number {
  return usage.inputTokens + (usage.cacheCreationInputTokens ?? 0) + (usage.cacheReadInputTokens ?? 0);
}
