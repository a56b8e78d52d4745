import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEntry, TranscriptItem } from '../transcript.js';
import { baseStatus } from '../testing/fake-engine.js';
import { withProviders } from '../testing/render.js';
import { TranscriptItemView } from './TranscriptItemView.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const show = (entry: TranscriptEntry, previous?: TranscriptEntry): string =>
  render(withProviders(<TranscriptItemView item={{ ...entry, id: 1 }} previous={previous && ({ ...previous, id: 0 } as TranscriptItem)} columns={100} />))
    .lastFrame()
    ?.replace(/ +$/gm, '') ?? '';

describe('TranscriptItemView', () => {
  it('renders each kind of entry', () => {
    expect(show({ kind: 'user', text: 'hi' })).toBe('› hi');
    expect(show({ kind: 'assistant', text: 'a **b**', continued: false })).toBe('◆ a b');
    expect(show({ kind: 'assistant', text: 'more', continued: true })).toBe('  more');
    expect(show({ kind: 'info', text: 'Signed in.' })).toBe('Signed in.');
    expect(show({ kind: 'notice', text: 'retrying' })).toBe('! retrying');
    expect(show({ kind: 'error', text: 'boom' })).toBe('✗ boom');
    expect(show({ kind: 'welcome', demo: false })).toContain('Warden');
    expect(show({ kind: 'help', commands: [{ name: 'tools', description: 'list' }] })).toContain('/tools');
    expect(show({ kind: 'tools', tools: [{ name: 'reverse', description: 'Reverses text.' }] })).toContain('reverse');
    expect(show({ kind: 'status', status: baseStatus, now: 0 })).toContain('Server');
  });

  it('keeps consecutive call lines together and spaces everything else', () => {
    const call = { id: 'c', tool: 'reverse', args: {}, status: 'done' as const, progressEvents: 0, startedAt: 0, endedAt: 1000, result: 'x' };
    expect(show({ kind: 'call', call }, { kind: 'call', call })).toBe('✓ reverse · 1.0s · x');
    expect(show({ kind: 'call', call }, { kind: 'user', text: 'q' })).toBe('\n✓ reverse · 1.0s · x');
  });

  it('strips controls from answers (newlines kept), notices and errors', () => {
    const answer = show({ kind: 'assistant', text: `${dirty('one')}\ntwo\r${FORGED_LINE}`, continued: false });
    expect(answer).not.toMatch(TERMINAL_CONTROL);
    expect(answer.split('\n').map((l) => l.trimEnd())).toEqual(['◆ one', `  two`, `  ${FORGED_LINE}`]);
    for (const kind of ['notice', 'error', 'info'] as const) {
      const frame = show({ kind, text: `${dirty('bad')}\n${FORGED_LINE}` });
      expect(frame).not.toMatch(TERMINAL_CONTROL);
      expect(frame.split('\n')).toHaveLength(1);
    }
  });
});
