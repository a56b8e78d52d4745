import { useEffect, useRef, useState } from 'react';
import type { LineState } from '../hooks/useLineEditor.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import type { CompletionItem, CompletionProvider, Completions } from './types.js';

/**
 * Asks the providers for completions whenever the input line changes and owns the list's keys:
 * Tab puts the highlighted item into the line, ↑/↓ (and Shift-Tab) move the highlight, Esc hides
 * the list until the line changes, Enter takes the highlighted item and then sends the line.
 * The first provider with an answer wins.
 *
 * Not responsible for drawing (CompletionList) nor for what is offered (the providers).
 */

export interface CompletionView {
  items: readonly CompletionItem[];
  selected: number;
}

export interface CompletionOptions {
  /** The line as last rendered. */
  line: LineState;
  providers: readonly CompletionProvider[];
  /** The editor's line as of the latest key, and a way to replace it. */
  editor: { current(): LineState; set(line: LineState): void };
  /** Whether the input is on screen (its keys may be taken). */
  active: boolean;
}

const lineKey = (line: LineState): string => `${line.cursor}:${line.value}`;

/** The range an item replaces, as text. */
const rangeText = (line: LineState, found: Completions): string => Array.from(line.value).slice(found.from, found.to).join('');

function applyItem(line: LineState, found: Completions, item: CompletionItem): LineState {
  const chars = Array.from(line.value);
  const value = Array.from(item.value);
  chars.splice(found.from, found.to - found.from, ...value);
  return { value: chars.join(''), cursor: found.from + value.length };
}

export function useCompletion({ line, providers, editor, active }: CompletionOptions): CompletionView | undefined {
  const [found, setFound] = useState<{ key: string; completions: Completions } | undefined>(undefined);
  // The providers' latest answer (a list or none) and its line, set as it comes: the state above is
  // drawn a task later, and a key in between must not act on the older list.
  const answered = useRef<{ key: string; completions: Completions | undefined } | undefined>(undefined);
  const [hiddenFor, setHiddenFor] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState(0);
  const key = lineKey(line);
  const { value, cursor } = line;

  useEffect(() => {
    setSelected(0);
    if (value.trim() === '') {
      setFound(undefined);
      return;
    }
    const controller = new AbortController();
    const key = lineKey({ value, cursor });
    const request = { text: value, cursor, before: Array.from(value).slice(0, cursor).join('') };
    const ask = async (): Promise<Completions | undefined> => {
      for (const provider of providers) {
        const answer = await provider.complete(request, controller.signal);
        if (answer) return answer;
      }
      return undefined;
    };
    ask().then(
      (completions) => {
        if (controller.signal.aborted) return;
        const offered = completions && completions.items.length > 0 ? completions : undefined;
        answered.current = { key, completions: offered };
        setFound(offered && { key, completions: offered });
      },
      // A provider that fails offers nothing; typing goes on.
      () => {
        if (controller.signal.aborted) return;
        answered.current = { key, completions: undefined };
        setFound(undefined);
      },
    );
    return () => controller.abort();
  }, [value, cursor, providers]);

  // A Tab typed before the list for its line was drawn (fast typing, a paste, a busy machine): taken
  // once the list is.
  const tabFor = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!found || tabFor.current !== found.key) return;
    tabFor.current = undefined;
    const latest = editor.current();
    const item = found.completions.items[0];
    if (item && lineKey(latest) === found.key) editor.set(applyItem(latest, found.completions, item));
  }, [found, editor]);

  const current = found?.key === key ? found.completions : undefined;
  // A list whose one item is what is typed already has nothing to offer.
  const only = current?.items.length === 1 ? current.items[0] : undefined;
  const pointless = current !== undefined && only !== undefined && only.value.trim() === rangeText(line, current).trim();
  const shown = current !== undefined && !pointless && hiddenFor !== key;

  useKeys(
    'completion',
    ({ key: k }) => {
      // Keys that arrived before a re-render may have changed the line: the list is for an older one.
      const latest = editor.current();
      const answer = answered.current;
      const waiting = lineKey(latest) !== key || answer?.key !== key || answer.completions !== current;
      if (k.tab && !k.shift && waiting && latest.value.trim() !== '') {
        tabFor.current = lineKey(latest);
        return true;
      }
      if (!current || lineKey(latest) !== key) return false;
      const accept = (): void => {
        const item = current.items[selected] ?? current.items[0];
        if (item) editor.set(applyItem(latest, current, item));
      };
      if (k.tab && !k.shift) {
        if (shown) accept();
        else if (pointless) return false;
        else setHiddenFor(undefined);
        return true;
      }
      if (!shown) return false;
      if (k.upArrow || (k.tab && k.shift)) {
        setSelected((s) => (s - 1 + current.items.length) % current.items.length);
        return true;
      }
      if (k.downArrow) {
        setSelected((s) => (s + 1) % current.items.length);
        return true;
      }
      if (k.escape) {
        setHiddenFor(key);
        return true;
      }
      // Enter takes the highlighted item, then the editor sends the line.
      if (k.return && !k.meta && !k.shift) accept();
      return false;
    },
    active,
  );

  return shown ? { items: current.items, selected: Math.min(selected, current.items.length - 1) } : undefined;
}
