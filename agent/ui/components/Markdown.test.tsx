import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, splitAtParagraph } from '../markdown.js';
import { withProviders } from '../testing/render.js';
import { Markdown } from './Markdown.js';

afterEach(() => cleanup());

describe('markdown parsing', () => {
  it('finds bold and inline code', () => {
    expect(parseInline('a **b** `c` __d__ ** e **')).toEqual([
      { text: 'a ' },
      { text: 'b', bold: true },
      { text: ' ' },
      { text: 'c', code: true },
      { text: ' ' },
      { text: 'd', bold: true },
      { text: ' ** e **' },
    ]);
  });

  it('parses headings, nested and numbered lists, and fenced code (also unfinished, while streaming)', () => {
    expect(parseMarkdown('## Hi\n- a\n  * b\n3. c\n```js\nx\n').map((b) => b.type)).toEqual(['heading', 'item', 'item', 'item', 'code']);
    const [, first, nested, numbered, code] = parseMarkdown('## Hi\n- a\n  * b\n3. c\n```js\nx\n');
    expect(first).toMatchObject({ marker: '•', depth: 0 });
    expect(nested).toMatchObject({ marker: '•', depth: 1 });
    expect(numbered).toMatchObject({ marker: '3.' });
    expect(code).toEqual({ type: 'code', lang: 'js', lines: ['x', ''] });
  });

  it('splits streaming text at the last paragraph break outside code', () => {
    expect(splitAtParagraph('one\n\ntwo')).toEqual({ done: 'one', rest: 'two' });
    expect(splitAtParagraph('one\n\ntwo\n\nthr')).toEqual({ done: 'one\n\ntwo', rest: 'thr' });
    expect(splitAtParagraph('no break yet')).toEqual({ done: '', rest: 'no break yet' });
    expect(splitAtParagraph('```\na\n\nb')).toEqual({ done: '', rest: '```\na\n\nb' });
    expect(splitAtParagraph('```\na\n\nb\n```\n\nafter')).toEqual({ done: '```\na\n\nb\n```', rest: 'after' });
  });
});

describe('Markdown', () => {
  it('renders bold, code, lists and code blocks without the markup', () => {
    const frame = render(withProviders(<Markdown text={'Use **reverse** with `text`:\n\n- one\n- two\n\n```\nreverse("ab")\n```'} width={80} />)).lastFrame() ?? '';
    expect(frame.split('\n').map((l) => l.trimEnd())).toEqual(['Use reverse with text:', '', '• one', '• two', '', '│ reverse("ab")']);
  });
});
