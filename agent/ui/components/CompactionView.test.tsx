import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { CompactionView } from './CompactionView.js';

afterEach(() => cleanup());

const frame = (node: Parameters<typeof withProviders>[0]): string => render(withProviders(node)).lastFrame() ?? '';

describe('CompactionView', () => {
  it('says who compacted and how much, then the start of the summary', () => {
    const summary = Array.from({ length: 10 }, (_, i) => `- note ${i + 1}`).join('\n');
    const text = frame(<CompactionView compaction={{ how: 'server-summary', tokensBefore: 162_400, tokensAfter: 9_100, summary }} />);
    expect(text).toContain('⇣ Compacted the conversation (summarized by the API): ~162k → ~9,100 tokens.');
    expect(text).toContain('- note 6');
    expect(text).not.toContain('- note 7');
    expect(text).toContain('… 4 more lines of summary');
  });

  it('clearing shows one line; a summary cannot drive the terminal', () => {
    expect(
      frame(<CompactionView compaction={{ how: 'local-clearing', tokensBefore: 40_000, tokensAfter: 12_000, summary: "Cleared 4 old tool results from the model's context" }} />),
    ).toBe("⇣ Cleared 4 old tool results from the model's context (~40k → ~12k tokens).");
    const hostile = frame(<CompactionView compaction={{ how: 'local-summary', tokensBefore: 1, tokensAfter: 1, summary: 'ok\u001b]0;owned\u0007 done' }} />);
    expect(hostile).not.toContain('\u0007');
    expect(hostile).not.toContain(']0;');
  });
});
