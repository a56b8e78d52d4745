import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { InputBox, visibleWindow } from './InputBox.js';

afterEach(() => cleanup());

const line = (value: string, cursor: number, width = 40): string =>
  (render(withProviders(<InputBox value={value} cursor={cursor} width={width} />)).lastFrame() ?? '').split('\n')[1] ?? '';

describe('InputBox', () => {
  it('shows the prompt, the text and the placeholder when empty', () => {
    expect(line('reverse alpha', 13)).toMatch(/^│ › reverse alpha +│$/);
    expect(line('', 0)).toMatch(/^│ › {2}Type a message, or \/help +│$/);
  });

  it('scrolls sideways so the cursor stays in view, within the width', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
    const end = line(text, text.length, 30);
    expect([...end].length).toBeLessThanOrEqual(30);
    expect(end).toContain('GHIJ');
    expect(end).not.toContain('abc');
    expect(line(text, 0, 30)).toContain('abcdef');
  });

  it('computes the visible window around the cursor', () => {
    expect(visibleWindow(10, 10, 5)).toEqual({ start: 6, end: 11 });
    expect(visibleWindow(10, 0, 5)).toEqual({ start: 0, end: 5 });
    expect(visibleWindow(10, 7, 5)).toEqual({ start: 3, end: 8 });
    expect(visibleWindow(3, 3, 10)).toEqual({ start: 0, end: 10 });
  });
});
