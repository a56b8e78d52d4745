import { useState } from 'react';

export interface InputHistory {
  /** Records a sent line (consecutive duplicates are kept once). */
  push(line: string): void;
  /** ↑: the previous entry; `draft` is what was typed before browsing started. Undefined at the oldest. */
  previous(draft: string): string | undefined;
  /** ↓: the next entry, then the saved draft; undefined when not browsing. */
  next(): string | undefined;
}

const MAX_ENTRIES = 200;

/** Shell-like history for the input line; plain mutable state since the editor owns what is shown. */
export function createInputHistory(): InputHistory {
  const entries: string[] = [];
  // entries.length means "not browsing".
  let index = 0;
  let draft = '';
  return {
    push(line) {
      if (entries.at(-1) !== line) entries.push(line);
      if (entries.length > MAX_ENTRIES) entries.shift();
      index = entries.length;
      draft = '';
    },
    previous(current) {
      if (index === 0) return undefined;
      if (index === entries.length) draft = current;
      index--;
      return entries[index];
    },
    next() {
      if (index >= entries.length) return undefined;
      index++;
      return index === entries.length ? draft : entries[index];
    },
  };
}

/** One history per mounted input. */
export function useInputHistory(): InputHistory {
  const [history] = useState(createInputHistory);
  return history;
}
