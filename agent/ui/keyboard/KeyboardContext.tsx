import { type Key, useInput } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useClock } from '../contexts/ClockContext.js';
import { isTyping, type KeyPress } from './key-press.js';
import { keyPriority, type KeyOwner } from './owners.js';

/**
 * The keyboard's one listener: every key Ink reads becomes a KeyPress and goes to the owners in
 * KEY_OWNERS order until one takes it. Also turns bracketed pastes (the terminal wraps pasted
 * text in ESC[200~ … ESC[201~, switched on by run.tsx) into presses marked `paste`, so a pasted
 * line break is text and never an Enter.
 *
 * Not responsible for what keys mean (each owner's hook), nor for raw mode (Ink's useInput).
 */

/** Takes a key (true) or lets the next owner have it (false). */
export type KeyHandler = (press: KeyPress) => boolean;

interface Entry {
  owner: KeyOwner;
  order: number;
  /** The latest render's handler and whether it is active. */
  latest: { current: { handler: KeyHandler; active: boolean } };
}

interface Registry {
  entries: Map<symbol, Entry>;
  next: number;
}

const KeyboardContext = createContext<Registry | undefined>(undefined);

/** How Ink hands over the bracketed-paste markers once it has stripped their ESC. */
const PASTE_START = '[200~';
const PASTE_END = '[201~';

/**
 * Keys typed fast enough to reach us in one read ("/mc" then Tab, over SSH or on a busy machine)
 * come from Ink as one text: a Tab at its end is still the Tab key. Tabs inside a chunk are text
 * (a terminal without bracketed paste delivers a paste that way), as the editor treats inner breaks.
 */
function splitTyped(input: string, key: Key): Array<readonly [string, Key]> {
  if (input.length < 2 || !input.endsWith('\t') || key.ctrl || key.meta) return [[input, key]];
  return [
    [input.slice(0, -1), key],
    ['', { ...key, tab: true }],
  ];
}

export function KeyboardProvider({ children }: { children: ReactNode }) {
  const clock = useClock();
  const registry = useRef<Registry>({ entries: new Map(), next: 0 });
  const typing = useRef({ pasting: false, lastText: Number.NEGATIVE_INFINITY });

  useInput((input, key) => {
    const state = typing.current;
    if (input === PASTE_START || input === PASTE_END) {
      state.pasting = input === PASTE_START;
      return;
    }
    for (const [text, k] of state.pasting ? [[input, key] as const] : splitTyped(input, key)) {
      const at = clock.now();
      const press: KeyPress = { input: text, key: k, paste: state.pasting, at, sinceText: at - state.lastText };
      if (isTyping(press)) state.lastText = at;
      const owners = [...registry.current.entries.values()].filter((e) => e.latest.current.active).sort((a, b) => keyPriority(a.owner) - keyPriority(b.owner) || a.order - b.order);
      for (const entry of owners) if (entry.latest.current.handler(press)) break;
    }
  });

  return <KeyboardContext.Provider value={registry.current}>{children}</KeyboardContext.Provider>;
}

/**
 * Registers `handler` as `owner` while `active`. The handler may change every render (it sees the
 * latest props); what it returns says whether it took the key.
 */
export function useKeys(owner: KeyOwner, handler: KeyHandler, active = true): void {
  const registry = useContext(KeyboardContext);
  if (!registry) throw new Error('useKeys needs a <KeyboardProvider>');
  const latest = useRef({ handler, active });
  latest.current = { handler, active };
  useLayoutEffect(() => {
    const key = Symbol(owner);
    registry.entries.set(key, { owner, order: registry.next++, latest });
    return () => {
      registry.entries.delete(key);
    };
  }, [registry, owner]);
}
