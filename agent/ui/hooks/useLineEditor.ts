import { useInput, type Key } from 'ink';
import { useCallback, useRef, useState } from 'react';
import type { InputHistory } from './useInputHistory.js';

export interface LineState {
  value: string;
  /** Cursor position in code points (0 … length). */
  cursor: number;
}

export const emptyLine: LineState = { value: '', cursor: 0 };

export type LineAction = { type: 'edit'; line: LineState } | { type: 'submit'; text: string; line: LineState } | { type: 'none' };

const chars = (value: string): string[] => Array.from(value);
const at = (list: string[], cursor: number): LineState => ({ value: list.join(''), cursor: Math.max(0, Math.min(cursor, list.length)) });
const end = (value: string): LineState => ({ value, cursor: chars(value).length });

/** Start of the word before `cursor` (skipping spaces first), as shells do for Ctrl-W. */
function wordStart(list: string[], cursor: number): number {
  let i = cursor;
  while (i > 0 && list[i - 1] === ' ') i--;
  while (i > 0 && list[i - 1] !== ' ') i--;
  return i;
}

function wordEnd(list: string[], cursor: number): number {
  let i = cursor;
  while (i < list.length && list[i] === ' ') i++;
  while (i < list.length && list[i] !== ' ') i++;
  return i;
}

function insert(line: LineState, text: string): LineState {
  const list = chars(line.value);
  const added = chars(text.replace(/\t/g, ' ').replace(/\p{Cc}/gu, ''));
  list.splice(line.cursor, 0, ...added);
  return at(list, line.cursor + added.length);
}

/** What one key does to the line: readline-style editing, ↑/↓ history, Enter sends. Pure, for tests. */
export function applyKey(line: LineState, input: string, key: Key, history: InputHistory): LineAction {
  const list = chars(line.value);
  const edit = (next: LineState): LineAction => ({ type: 'edit', line: next });
  const submit = (text: string): LineAction => (text.trim() === '' ? edit(emptyLine) : { type: 'submit', text: text.trim(), line: emptyLine });

  if (key.return) return submit(line.value);
  if (key.upArrow) {
    const previous = history.previous(line.value);
    return previous === undefined ? { type: 'none' } : edit(end(previous));
  }
  if (key.downArrow) {
    const next = history.next();
    return next === undefined ? { type: 'none' } : edit(end(next));
  }
  if (key.leftArrow) return edit(at(list, key.ctrl || key.meta ? wordStart(list, line.cursor) : line.cursor - 1));
  if (key.rightArrow) return edit(at(list, key.ctrl || key.meta ? wordEnd(list, line.cursor) : line.cursor + 1));
  if (key.home) return edit(at(list, 0));
  if (key.end) return edit(at(list, list.length));
  // Terminals send DEL (0x7f) for Backspace and Ink reports it as `delete`: both erase backwards.
  if (key.backspace || key.delete) {
    const from = key.meta ? wordStart(list, line.cursor) : Math.max(0, line.cursor - 1);
    list.splice(from, line.cursor - from);
    return edit(at(list, from));
  }
  if (key.escape) return edit(emptyLine);
  if (key.ctrl) {
    switch (input) {
      case 'a':
        return edit(at(list, 0));
      case 'e':
        return edit(at(list, list.length));
      case 'b':
        return edit(at(list, line.cursor - 1));
      case 'f':
        return edit(at(list, line.cursor + 1));
      case 'd':
        list.splice(line.cursor, 1);
        return edit(at(list, line.cursor));
      case 'u':
        return edit(at(list.slice(line.cursor), 0));
      case 'k':
        return edit(at(list.slice(0, line.cursor), line.cursor));
      case 'w': {
        const from = wordStart(list, line.cursor);
        list.splice(from, line.cursor - from);
        return edit(at(list, from));
      }
      default:
        return { type: 'none' };
    }
  }
  if (key.tab || key.meta || input === '') return { type: 'none' };
  return edit(insert(line, input));
}

export interface LineEditor extends LineState {
  clear(): void;
}

/** The input line's state; keys are handled only while `enabled`. */
export function useLineEditor(options: { enabled: boolean; history: InputHistory; onSubmit: (text: string) => void }): LineEditor {
  const { enabled, history, onSubmit } = options;
  const [line, setLine] = useState<LineState>(emptyLine);
  // Several keys can arrive in one chunk before a re-render; the ref keeps each edit on top of the last.
  const current = useRef<LineState>(emptyLine);
  const update = useCallback((next: LineState) => {
    current.current = next;
    setLine(next);
  }, []);
  const step = (input: string, key: Key): void => {
    const action = applyKey(current.current, input, key, history);
    if (action.type === 'none') return;
    update(action.line);
    if (action.type === 'submit') {
      history.push(action.text);
      onSubmit(action.text);
    }
  };
  useInput(
    (input, key) => {
      // Text with line breaks in one chunk (pasted, typed fast, sent by a script): each break is an Enter.
      if (!key.return && /[\r\n]/.test(input)) {
        const lines = input.split(/\r\n|\r|\n/);
        lines.forEach((text, i) => {
          if (text !== '') step(text, key);
          if (i < lines.length - 1) step('', { ...key, return: true });
        });
        return;
      }
      step(input, key);
    },
    { isActive: enabled },
  );
  const clear = useCallback(() => update(emptyLine), [update]);
  return { ...line, clear };
}
