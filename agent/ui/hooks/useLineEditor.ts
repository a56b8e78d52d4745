import type { Key } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { useKeys } from '../keyboard/KeyboardContext.js';
import type { KeyPress } from '../keyboard/key-press.js';
import type { InputHistory } from './useInputHistory.js';

/**
 * The input's text and its keys: readline-style editing, ↑/↓ history, Enter sends. The text may
 * span lines: Shift-Enter or Alt-Enter (where the terminal tells them from Enter) and `\` before
 * Enter insert a line break, and a paste keeps its line breaks. ↑/↓ move between those lines
 * before they reach the history.
 *
 * Not responsible for drawing (InputBox) nor for what a sent line does (App).
 */

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
  while (i > 0 && /\s/.test(list[i - 1] ?? '')) i--;
  while (i > 0 && !/\s/.test(list[i - 1] ?? '')) i--;
  return i;
}

function wordEnd(list: string[], cursor: number): number {
  let i = cursor;
  while (i < list.length && /\s/.test(list[i] ?? '')) i++;
  while (i < list.length && !/\s/.test(list[i] ?? '')) i++;
  return i;
}

/** Where the cursor's line (of the text's own line breaks) starts and ends. */
function lineBounds(list: string[], cursor: number): { start: number; end: number } {
  let start = cursor;
  while (start > 0 && list[start - 1] !== '\n') start--;
  let stop = cursor;
  while (stop < list.length && list[stop] !== '\n') stop++;
  return { start, end: stop };
}

/** The cursor one line up or down at the same column (clamped), or undefined on the first/last line. */
function verticalMove(list: string[], cursor: number, step: -1 | 1): number | undefined {
  const here = lineBounds(list, cursor);
  const column = cursor - here.start;
  if (step === -1) {
    if (here.start === 0) return undefined;
    const above = lineBounds(list, here.start - 1);
    return Math.min(above.start + column, above.end);
  }
  if (here.end === list.length) return undefined;
  const below = lineBounds(list, here.end + 1);
  return Math.min(below.start + column, below.end);
}

/** Text as it is inserted: line breaks kept as \n, tabs as a space, other controls dropped. */
function typed(text: string): string[] {
  return chars(
    text
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      .replace(/[^\P{Cc}\n]/gu, ''),
  );
}

function insert(line: LineState, text: string): LineState {
  const list = chars(line.value);
  const added = typed(text);
  list.splice(line.cursor, 0, ...added);
  return at(list, line.cursor + added.length);
}

/**
 * What one key does to the line. Pure, for tests. `paste`: the text came in a bracketed paste, so
 * its line breaks are text.
 */
export function applyKey(line: LineState, input: string, key: Key, history: InputHistory, paste = false): LineAction {
  const list = chars(line.value);
  const edit = (next: LineState): LineAction => ({ type: 'edit', line: next });
  const submit = (text: string): LineAction => (text.trim() === '' ? edit(emptyLine) : { type: 'submit', text: text.trim(), line: emptyLine });

  if (paste) return input === '' ? { type: 'none' } : edit(insert(line, input));
  if (key.return) {
    // Shift-Enter (kitty keyboard protocol) and Alt-Enter (ESC CR) are a line break everywhere they exist.
    if (key.shift || key.meta) return edit(insert(line, '\n'));
    // A backslash before the cursor: the shell's line continuation, for terminals that send Shift-Enter as Enter.
    if (list[line.cursor - 1] === '\\') {
      list.splice(line.cursor - 1, 1, '\n');
      return edit(at(list, line.cursor));
    }
    return submit(line.value);
  }
  if (key.upArrow || key.downArrow) {
    const moved = verticalMove(list, line.cursor, key.upArrow ? -1 : 1);
    if (moved !== undefined) return edit(at(list, moved));
    const recalled = key.upArrow ? history.previous(line.value) : history.next();
    return recalled === undefined ? { type: 'none' } : edit(end(recalled));
  }
  const bounds = lineBounds(list, line.cursor);
  if (key.leftArrow) return edit(at(list, key.ctrl || key.meta ? wordStart(list, line.cursor) : line.cursor - 1));
  if (key.rightArrow) return edit(at(list, key.ctrl || key.meta ? wordEnd(list, line.cursor) : line.cursor + 1));
  if (key.home) return edit(at(list, bounds.start));
  if (key.end) return edit(at(list, bounds.end));
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
        return edit(at(list, bounds.start));
      case 'e':
        return edit(at(list, bounds.end));
      case 'b':
        return edit(at(list, line.cursor - 1));
      case 'f':
        return edit(at(list, line.cursor + 1));
      case 'd':
        list.splice(line.cursor, 1);
        return edit(at(list, line.cursor));
      case 'u':
        list.splice(bounds.start, line.cursor - bounds.start);
        return edit(at(list, bounds.start));
      case 'k':
        list.splice(line.cursor, bounds.end - line.cursor);
        return edit(at(list, line.cursor));
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
  /** The line as of the latest key (keys can come faster than renders). */
  current(): LineState;
  /** Replaces the line (a completion, queued text given back). */
  set(line: LineState): void;
}

export interface LineEditorOptions {
  /** Whether keys reach the input (it is on screen). */
  enabled: boolean;
  history: InputHistory;
  onSubmit: (text: string) => void;
}

/** The input line's state and its keys, as the keyboard's `editor` owner. */
export function useLineEditor({ enabled, history, onSubmit }: LineEditorOptions): LineEditor {
  const [line, setLine] = useState<LineState>(emptyLine);
  // Several keys can arrive in one chunk before a re-render; the ref keeps each edit on top of the last.
  const latest = useRef<LineState>(emptyLine);
  const set = useCallback((next: LineState) => {
    latest.current = next;
    setLine(next);
  }, []);
  const step = (input: string, key: Key, paste: boolean): void => {
    const action = applyKey(latest.current, input, key, history, paste);
    if (action.type === 'none') return;
    set(action.line);
    if (action.type === 'submit') {
      history.push(action.text);
      onSubmit(action.text);
    }
  };
  useKeys(
    'editor',
    ({ input, key, paste }: KeyPress) => {
      // Text with line breaks in one chunk without paste brackets (a terminal without bracketed
      // paste, a script): its breaks are text, and one at the very end is Enter.
      if (!paste && !key.return && /[\r\n]/.test(input)) {
        const body = input.replace(/(\r\n|\r|\n)$/, '');
        if (body !== '') step(body, key, true);
        if (body !== input) step('', { ...key, return: true }, false);
        return true;
      }
      step(input, key, paste);
      return true;
    },
    enabled,
  );
  const clear = useCallback(() => set(emptyLine), [set]);
  const current = useCallback(() => latest.current, []);
  return { ...line, clear, current, set };
}
