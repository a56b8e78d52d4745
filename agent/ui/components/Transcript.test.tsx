import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptItem } from '../transcript.js';
import { withProviders } from '../testing/render.js';
import { wrappedRows } from '../text-rows.js';
import { tail, Transcript } from './Transcript.js';

afterEach(() => cleanup());

const items: TranscriptItem[] = [
  { id: 0, kind: 'user', text: 'reverse alpha' },
  { id: 1, kind: 'assistant', text: 'Reversing **alpha**.', continued: false },
];

const view = (props: Partial<Parameters<typeof Transcript>[0]> = {}) => (
  <Transcript items={items} generation="0" liveText="" liveContinues={false} maxLiveRows={10} columns={80} {...props} />
);

describe('Transcript', () => {
  it('prints finished items once and the streaming tail below them', () => {
    const instance = render(withProviders(view({ liveText: 'ahp' })));
    expect(instance.lastFrame()).toContain('› reverse alpha');
    expect(instance.lastFrame()).toContain('◆ Reversing alpha.');
    expect(instance.lastFrame()?.trimEnd().endsWith('◆ ahp')).toBe(true);
    instance.rerender(withProviders(view({ liveText: 'ahpla', liveContinues: true })));
    // <Static> printed the items once: they are not redrawn with the tail.
    const frame = instance.lastFrame() ?? '';
    expect(frame.match(/reverse alpha/g)).toHaveLength(1);
    expect(frame.trimEnd().endsWith('ahpla')).toBe(true);
    expect(frame).not.toMatch(/◆ ahpla/);
  });

  it('starts over in a new generation (after /clear or a resize)', () => {
    const instance = render(withProviders(view()));
    const cleared: TranscriptItem[] = [{ id: 5, kind: 'info', text: 'Conversation cleared.' }];
    instance.rerender(withProviders(view({ items: cleared, generation: '1' })));
    expect(instance.lastFrame()).toContain('Conversation cleared.');
  });

  it('keeps only the last rows of a long streaming tail', () => {
    expect(tail('a\nb\nc\nd', 2, 80)).toEqual({ text: 'c\nd', cut: true });
    expect(tail('x'.repeat(100), 3, 50)).toEqual({ text: 'x'.repeat(100), cut: false });
    expect(tail(`one\n${'x'.repeat(100)}`, 2, 50)).toEqual({ text: 'x'.repeat(100), cut: true });
  });

  it('keeps the end of a paragraph too long to show whole, as it streams', () => {
    const paragraph = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const end = tail(paragraph, 2, 40);
    expect(end.cut).toBe(true);
    expect(paragraph.endsWith(end.text)).toBe(true);
    expect(end.text).toMatch(/^word\d+ .* word59$/);
    expect(wrappedRows(end.text, 40)).toBeLessThanOrEqual(2);
    expect(end.text.length).toBeGreaterThan(40);
    expect(tail('x'.repeat(300), 3, 50)).toEqual({ text: 'x'.repeat(150), cut: true });
    const frame = render(withProviders(view({ liveText: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n'), maxLiveRows: 5 }))).lastFrame() ?? '';
    expect(frame).toContain('line 29');
    expect(frame).not.toContain('line 20');
    expect(frame).toContain('…');
  });
});
