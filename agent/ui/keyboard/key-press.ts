import type { Key } from 'ink';

/**
 * One key (or one piece of pasted text) as owners receive it. `paste`: the text came inside a
 * bracketed paste (line breaks are text, not Enter). `sinceText`: milliseconds since the previous
 * text key, so an owner can tell typing from a deliberate key (Infinity when there was none).
 *
 * Not responsible for dispatch (KeyboardContext) nor for what a key means (the owners).
 */
export interface KeyPress {
  input: string;
  key: Key;
  paste: boolean;
  /** Clock time the key arrived. */
  at: number;
  sinceText: number;
}

/** A key that types: printable text, a paste, Backspace or Enter (what typing ahead consists of). */
export function isTyping(press: Pick<KeyPress, 'input' | 'key' | 'paste'>): boolean {
  const { input, key } = press;
  if (press.paste) return true;
  if (key.return || key.backspace || key.delete) return !key.ctrl;
  if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return false;
  return input !== '';
}

/** The Key of a plain character (nothing pressed with it): a starting point for tests. */
export const plainKey: Key = {
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
