import { describe, expect, it } from 'vitest';
import { UsageLedger } from '../../agent/core/cost/ledger.js';
import { costOf, PRICES_AS_OF } from '../../agent/core/cost/prices.js';

describe('prices', () => {
  it('price input, output, 5-minute and 1-hour cache writes and cache reads apart', () => {
    // Sonnet 5.5: $2 in, $10 out, $2.50 / $4 writes, $0.10 reads per million.
    expect(costOf('claude-sonnet-5-5', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(2);
    expect(costOf('claude-sonnet-5-5', { inputTokens: 0, outputTokens: 1_000_000 })).toBeCloseTo(10);
    expect(costOf('claude-sonnet-5-5', { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 1_000_000 })).toBeCloseTo(2.5);
    expect(costOf('claude-sonnet-5-5', { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 1_000_000, cacheCreation1hInputTokens: 1_000_000 })).toBeCloseTo(4);
    expect(costOf('claude-sonnet-5-5', { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 1_000_000 })).toBeCloseTo(0.1);
    expect(costOf('claude-opus-4-5-20251101', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(5);
  });

  it('Haiku 5.5 is dearer past a 100k-token prompt, cache reads and writes counting toward it', () => {
    expect(costOf('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 0 })).toBeCloseTo(0.01);
    expect(costOf('claude-haiku-5-5', { inputTokens: 1_000, outputTokens: 0, cacheReadInputTokens: 100_000 })).toBeCloseTo((1_000 * 0.5 + 100_000 * 0.05) / 1e6);
  });

  it('a model the table does not know has no price', () => {
    expect(costOf('gpt-something', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('the usage ledger', () => {
  it('adds requests up by model with their cost, and what each server added', () => {
    const ledger = new UsageLedger();
    ledger.request('claude-sonnet-5-5', { inputTokens: 100, outputTokens: 50, cacheCreationInputTokens: 4_000, cacheReadInputTokens: 0 });
    ledger.request('claude-sonnet-5-5', { inputTokens: 120, outputTokens: 80, cacheCreationInputTokens: 300, cacheReadInputTokens: 4_000 });
    ledger.request('proxy-model', { inputTokens: 10, outputTokens: 5 });
    ledger.definitions({ files: 900, weather: 300 });
    ledger.definitions({ files: 900, weather: 300 });
    ledger.call('files', 2_000);
    ledger.call('files', 500);
    const report = ledger.report({ tokens: 4_500, window: 1_000_000 });
    expect(report.models[0]).toEqual({
      model: 'claude-sonnet-5-5',
      requests: 2,
      usage: { inputTokens: 220, outputTokens: 130, cacheCreationInputTokens: 4_300, cacheReadInputTokens: 4_000 },
      costUsd: expect.closeTo((220 * 2 + 130 * 10 + 4_300 * 2.5 + 4_000 * 0.1) / 1e6, 12),
    });
    expect(report.unpriced).toEqual(['proxy-model']);
    expect(report.costUsd).toBeCloseTo(report.models[0]?.costUsd ?? 0);
    expect(report.servers).toEqual([
      { server: 'files', calls: 2, resultTokens: 2_500, definitionTokens: 900, definitionTokensSent: 1_800 },
      { server: 'weather', calls: 0, resultTokens: 0, definitionTokens: 300, definitionTokensSent: 600 },
    ]);
    expect(report.context).toEqual({ tokens: 4_500, window: 1_000_000 });
  });
});
