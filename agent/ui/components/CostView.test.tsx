import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../core/engine-types.js';
import { withProviders } from '../testing/render.js';
import { CostView } from './CostView.js';

afterEach(() => cleanup());

const frame = (report: UsageReport): string => render(withProviders(<CostView report={report} />)).lastFrame() ?? '';

describe('CostView (/cost)', () => {
  it('breaks the cost down by model (input, cache write, cache read, output) and what each server added', () => {
    const text = frame({
      models: [
        {
          model: 'claude-sonnet-5-5',
          requests: 12,
          usage: { inputTokens: 3_100, outputTokens: 4_200, cacheCreationInputTokens: 12_000, cacheReadInputTokens: 180_000 },
          costUsd: 0.1422,
        },
      ],
      servers: [{ server: 'files', calls: 4, resultTokens: 12_400, definitionTokens: 2_100, definitionTokensSent: 25_200 }],
      costUsd: 0.1422,
      unpriced: [],
      pricesAsOf: '2026-12-01',
      context: { tokens: 45_000, window: 1_000_000 },
    });
    expect(text).toContain('Cost so far: $0.14 · prices of 2026-12-01');
    expect(text).toContain('Context: 45k of 1M tokens (5%)');
    expect(text).toMatch(/model\s+requests\s+input\s+cache write\s+cache read\s+output\s+cost/);
    expect(text).toMatch(/claude-sonnet-5-5\s+12\s+3.1k\s+12k\s+180k\s+4.2k\s+\$0.14/);
    expect(text).toMatch(/files\s+4\s+12k\s+2.1k\/req · 25k/);
  });

  it('says when a model has no price, and that the demo model costs nothing', () => {
    expect(
      frame({ models: [{ model: 'proxy-x', requests: 1, usage: { inputTokens: 1, outputTokens: 1 } }], servers: [], unpriced: ['proxy-x'], pricesAsOf: '2026-12-01' }),
    ).toMatch(/Cost so far: unknown[\s\S]*proxy-x\s+1\s+1\s+0\s+0\s+1\s+\?[\s\S]*! proxy-x is not in the price table: its cost is not included\./);
    expect(frame({ models: [{ model: 'demo', requests: 2, usage: { inputTokens: 0, outputTokens: 0 } }], servers: [], unpriced: [], pricesAsOf: '2026-12-01' })).toContain(
      'Cost so far: $0.00 (the offline demo model costs nothing)',
    );
    expect(frame({ models: [], servers: [], unpriced: [], pricesAsOf: '2026-12-01' })).toContain('No model request yet.');
  });
});
