import { cleanup } from 'ink-testing-library';
import { Text, type Key } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import { createInputHistory } from './useInputHistory.js';
import { applyKey, emptyLine, useLineEditor, type LineState } from './useLineEditor.js';

afterEach(() => cleanup());

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

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

  it('treats each line break in a chunk as Enter', async () => {
    const { sent, hook } = setup();
    await settle();
    hook.stdin.write('/nope\r/tools\rhalf');
    await settle();
    expect(sent).toEqual(['/nope', '/tools']);
    expect(hook.current.value).toBe('half');
  });

  it('ignores keys while disabled (a turn is running)', async () => {
    const { sent, hook } = setup(false);
    await settle();
    hook.stdin.write('typed');
    hook.stdin.write(keys.enter);
    await settle();
    expect(hook.current.value).toBe('');
    expect(sent).toEqual([]);
  });
});
