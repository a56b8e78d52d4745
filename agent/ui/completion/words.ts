import type { CompletionItem, CompletionRequest, Completions } from './types.js';

/** Helpers for providers that complete the word before the cursor. */

/** The word the cursor is in or just after: from the last space before it to the next space. */
export function wordAt(request: CompletionRequest): { from: number; to: number; word: string } {
  const chars = Array.from(request.text);
  let from = request.cursor;
  while (from > 0 && !/\s/.test(chars[from - 1] ?? '')) from--;
  let to = request.cursor;
  while (to < chars.length && !/\s/.test(chars[to] ?? '')) to++;
  return { from, to, word: chars.slice(from, request.cursor).join('') };
}

/** Items whose value starts with `word` (case-insensitive), in the given order. */
export function matching(items: readonly CompletionItem[], word: string): CompletionItem[] {
  const wanted = word.toLowerCase();
  return items.filter((item) => item.value.toLowerCase().startsWith(wanted));
}

/** Completions of the word at the cursor from a fixed list. */
export function completeWord(request: CompletionRequest, items: readonly CompletionItem[]): Completions {
  const { from, to, word } = wordAt(request);
  return { from, to, items: matching(items, word) };
}
