import { cleanup } from 'ink-testing-library';
import { Text, type Key } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { plainKey } from '../keyboard/key-press.js';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import { createInputHistory } from './useInputHistory.js';
import { applyKey, emptyLine, useLineEditor, type LineState } from './useLineEditor.js';

afterEach(() => cleanup());

const noKey: Key = plainKey;

function edit(line: LineState, input: string, key: Partial<Key> = {}): LineState {
  const action = applyKey(line, input, { ...noKey, ...key }, createInputHistory());
  return action.type === 'none' ? line : action.line;
}

describe('applyKey', () => {
  it('inserts at the cursor and moves by character and word', () => {
    let line = edit(emptyLine, 'hello world');
    expect(line).toEqual({ value: 'hello world', cursor: 11 });
    line = edit(line, '', { leftArrow: true, ctrl: true });
    expect(line.cursor).toBe(6);
    line = edit(line, 'big ');
    expect(line).toEqual({ value: 'hello big world', cursor: 10 });
    line = edit(line, 'a', { ctrl: true });
    expect(line.cursor).toBe(0);
    line = edit(line, '', { end: true });
    expect(line.cursor).toBe(15);
  });

  it('deletes backwards (Backspace arrives as delete), by word and to the start', () => {
    let line: LineState = { value: 'one two three', cursor: 13 };
    line = edit(line, '', { delete: true });
    expect(line.value).toBe('one two thre');
    line = edit(line, 'w', { ctrl: true });
    expect(line).toEqual({ value: 'one two ', cursor: 8 });
    line = edit({ ...line, cursor: 4 }, 'u', { ctrl: true });
    expect(line).toEqual({ value: 'two ', cursor: 0 });
    expect(edit(line, '', { escape: true })).toEqual(emptyLine);
  });

  it('Ctrl-K cuts to the end of the line, Ctrl-D deletes under the cursor, Ctrl-B/F move by one', () => {
    const line: LineState = { value: 'alpha beta', cursor: 6 };
    expect(edit(line, 'k', { ctrl: true })).toEqual({ value: 'alpha ', cursor: 6 });
    expect(edit(line, 'd', { ctrl: true })).toEqual({ value: 'alpha eta', cursor: 6 });
    expect(edit(line, 'b', { ctrl: true })).toEqual({ value: 'alpha beta', cursor: 5 });
    expect(edit(line, 'f', { ctrl: true })).toEqual({ value: 'alpha beta', cursor: 7 });
    expect(edit({ value: 'ab', cursor: 2 }, 'f', { ctrl: true }).cursor).toBe(2);
    expect(edit({ value: 'ab', cursor: 0 }, 'b', { ctrl: true }).cursor).toBe(0);
  });

  it('line breaks: Shift-Enter, Alt-Enter and \\ before Enter insert one; a paste keeps its own', () => {
    const history = createInputHistory();
    const line: LineState = { value: 'one', cursor: 3 };
    expect(edit(line, '', { return: true, shift: true })).toEqual({ value: 'one\n', cursor: 4 });
    expect(edit(line, '', { return: true, meta: true })).toEqual({ value: 'one\n', cursor: 4 });
    expect(edit({ value: 'one\\', cursor: 4 }, '', { return: true })).toEqual({ value: 'one\n', cursor: 4 });
    expect(applyKey(line, 'a\r\nb\rc\td', noKey, history, true)).toEqual({ type: 'edit', line: { value: 'onea\nb\nc d', cursor: 10 } });
    // Enter sends all the lines, trimmed at the ends only.
    expect(applyKey({ value: ' a\n b ', cursor: 5 }, '', { ...noKey, return: true }, history)).toEqual({ type: 'submit', text: 'a\n b', line: emptyLine });
  });

  it('in text of several lines ↑/↓ move between lines, Home/End and Ctrl-A/E/U/K stay on the line', () => {
    const text: LineState = { value: 'first line\nsecond\nthird line', cursor: 14 };
    expect(edit(text, '', { upArrow: true })).toEqual({ ...text, cursor: 3 });
    expect(edit(text, '', { downArrow: true })).toEqual({ ...text, cursor: 21 });
    expect(edit({ ...text, cursor: 9 }, '', { downArrow: true }).cursor).toBe(17);
    expect(edit(text, 'a', { ctrl: true }).cursor).toBe(11);
    expect(edit(text, '', { end: true }).cursor).toBe(17);
    expect(edit(text, 'u', { ctrl: true })).toEqual({ value: 'first line\nond\nthird line', cursor: 11 });
    expect(edit(text, 'k', { ctrl: true })).toEqual({ value: 'first line\nsec\nthird line', cursor: 14 });
  });

  it('submits trimmed text on Enter, never an empty line, and drops control characters', () => {
    const history = createInputHistory();
    expect(applyKey({ value: ' hi ', cursor: 4 }, '', { ...noKey, return: true }, history)).toEqual({ type: 'submit', text: 'hi', line: emptyLine });
    expect(applyKey(emptyLine, '', { ...noKey, return: true }, history)).toEqual({ type: 'edit', line: emptyLine });
    expect(edit(emptyLine, 'a\tb\u0007')).toEqual({ value: 'a b', cursor: 3 });
  });
});

describe('useLineEditor', () => {
  function setup(enabled = true) {
    const sent: string[] = [];
    const history = createInputHistory();
    const hook = renderHook(() => useLineEditor({ enabled, history, onSubmit: (text) => sent.push(text) }), {
      view: (line) => <Text>{`[${line.value}] ${line.cursor}`}</Text>,
    });
    return { sent, hook };
  }

  it('edits, sends on Enter and recalls history with ↑/↓', async () => {
    const { sent, hook } = setup();
    await settle();
    for (const chunk of ['first', keys.enter, 'second', keys.enter, 'draft', keys.up]) {
      hook.stdin.write(chunk);
      await settle();
    }
    expect(sent).toEqual(['first', 'second']);
    expect(hook.lastFrame()).toBe('[second] 6');
    hook.stdin.write(keys.up);
    await settle();
    expect(hook.current.value).toBe('first');
    hook.stdin.write(keys.down);
    await settle();
    hook.stdin.write(keys.down);
    await settle();
    expect(hook.current.value).toBe('draft');
    hook.stdin.write(keys.backspace);
    await settle();
    expect(hook.lastFrame()).toBe('[draf] 4');
  });

  it('keeps the line breaks of a paste: bracketed, or a chunk whose last break alone is Enter', async () => {
    const { sent, hook } = setup();
    await settle();
    hook.stdin.write('\u001b[200~first\rsecond\r\u001b[201~');
    await settle();
    expect(sent).toEqual([]);
    expect(hook.current.value).toBe('first\nsecond\n');
    hook.stdin.write(keys.enter);
    await settle();
    expect(sent).toEqual(['first\nsecond']);
    // A terminal without bracketed paste: the chunk's inner breaks are text, a break at its end sends.
    hook.stdin.write('/nope\r/tools\rhalf');
    await settle();
    expect(hook.current.value).toBe('/nope\n/tools\nhalf');
    hook.stdin.write(keys.escape);
    await settle();
    hook.stdin.write('one\rtwo\r');
    await settle();
    expect(sent).toEqual(['first\nsecond', 'one\ntwo']);
  });

  it('Shift-Enter (kitty keyboard protocol) and Alt-Enter from a terminal insert a line break', async () => {
    const { sent, hook } = setup();
    await settle();
    hook.stdin.write('a');
    hook.stdin.write('\u001b[13;2u');
    hook.stdin.write('b');
    hook.stdin.write('\u001b\r');
    hook.stdin.write('c');
    await settle();
    expect(hook.current.value).toBe('a\nb\nc');
    expect(sent).toEqual([]);
  });

  it('ignores keys while disabled (a modal panel shows)', async () => {
    const { sent, hook } = setup(false);
    await settle();
    hook.stdin.write('typed');
    hook.stdin.write(keys.enter);
    await settle();
    expect(hook.current.value).toBe('');
    expect(sent).toEqual([]);
  });
});
