/**
 * What Claude costs: the one table of prices, in US dollars per million tokens, and what a
 * request's usage costs by it. Cache writes are priced by their lifetime (5 minutes or 1 hour),
 * cache reads separately. A model the table does not know has no price: the cost is unknown, and
 * /cost says so rather than guessing.
 *
 * Not responsible for: counting tokens (the API's usage), adding requests up (ledger.ts).
 */
import type { TurnUsage } from '../engine-types.js';

/** The day these prices were read from Anthropic's pricing and model pages. */
export const PRICES_AS_OF = '2026-12-01';

export interface Price {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

interface PriceEntry {
  /** Model ids that are this or start with it and `-` (dated snapshots). */
  prefix: string;
  price: Price;
  /** Requests whose prompt (input, cache reads and writes) is longer are billed at `price` of this tier. */
  longPrompt?: { above: number; price: Price };
}

const p = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): Price => ({ input, output, cacheWrite5m, cacheWrite1h, cacheRead });

/** Most specific first. */
const PRICES: readonly PriceEntry[] = [
  { prefix: 'claude-fable-5-2', price: p(8, 10, 16, 0.2, 40) },
  { prefix: 'claude-mythos-5-2', price: p(8, 10, 16, 0.2, 40) },
  { prefix: 'claude-fable-5-1', price: p(10, 12.5, 20, 0.25, 50) },
  { prefix: 'claude-mythos-5-1', price: p(10, 12.5, 20, 0.25, 50) },
  { prefix: 'claude-fable-5', price: p(10, 12.5, 20, 1, 50) },
  { prefix: 'claude-mythos-5', price: p(10, 12.5, 20, 1, 50) },
  { prefix: 'claude-opus-5-5', price: p(4, 5, 8, 0.2, 20) },
  { prefix: 'claude-opus-5', price: p(5, 6.25, 10, 0.5, 25) },
  { prefix: 'claude-opus-4-8', price: p(5, 6.25, 10, 0.5, 25) },
  { prefix: 'claude-opus-4-7', price: p(5, 6.25, 10, 0.5, 25) },
  { prefix: 'claude-opus-4-6', price: p(5, 6.25, 10, 0.5, 25) },
  { prefix: 'claude-opus-4-5', price: p(5, 6.25, 10, 0.5, 25) },
  { prefix: 'claude-opus-4-1', price: p(15, 18.75, 30, 1.5, 75) },
  { prefix: 'claude-opus-4', price: p(15, 18.75, 30, 1.5, 75) },
  // Sonnet 5.5's cache reads were cut from $0.20 to $0.10 on 2026-10-07.
  { prefix: 'claude-sonnet-5-5', price: p(2, 2.5, 4, 0.1, 10) },
  { prefix: 'claude-sonnet-5', price: p(2, 2.5, 4, 0.2, 10) },
  { prefix: 'claude-sonnet-4-6', price: p(3, 3.75, 6, 0.3, 15) },
  { prefix: 'claude-sonnet-4-5', price: p(3, 3.75, 6, 0.3, 15) },
  { prefix: 'claude-sonnet-4', price: p(3, 3.75, 6, 0.3, 15) },
  { prefix: 'claude-haiku-5-5', price: p(0.1, 0.125, 0.2, 0.01, 0.5), longPrompt: { above: 100_000, price: p(0.5, 0.625, 1, 0.05, 2.5) } },
  { prefix: 'claude-haiku-4-5', price: p(1, 1.25, 2, 0.1, 5) },
];

const MILLION = 1_000_000;

function entryFor(model: string): PriceEntry | undefined {
  return PRICES.find((e) => model === e.prefix || model.startsWith(`${e.prefix}-`));
}

/** Whether the table prices this model. */
export function hasPrice(model: string): boolean {
  return entryFor(model) !== undefined;
}

/** What one request cost in US dollars; undefined for a model the table does not know. */
export function costOf(model: string, usage: TurnUsage): number | undefined {
  const entry = entryFor(model);
  if (!entry) return undefined;
  const written = usage.cacheCreationInputTokens ?? 0;
  const oneHour = usage.cacheCreation1hInputTokens ?? 0;
  const read = usage.cacheReadInputTokens ?? 0;
  const prompt = usage.inputTokens + written + read;
  const price = entry.longPrompt && prompt > entry.longPrompt.above ? entry.longPrompt.price : entry.price;
  return (
    (usage.inputTokens * price.input + (written - oneHour) * price.cacheWrite5m + oneHour * price.cacheWrite1h + read * price.cacheRead + usage.outputTokens * price.output) /
    MILLION
  );
}
