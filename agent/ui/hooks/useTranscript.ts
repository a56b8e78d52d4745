import { useCallback, useMemo, useRef, useState } from 'react';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import type { TranscriptEntry, TranscriptItem } from '../transcript.js';

export interface Transcript {
  items: readonly TranscriptItem[];
  /** Bumped by `clear`, so the <Static> that printed the old items remounts. */
  epoch: number;
  add(...entries: TranscriptEntry[]): void;
  /** Adds finished calls once each, whoever notices them first (the frame loop or the turn's end). */
  addCalls(calls: readonly ToolCallRecord[]): void;
  clear(): void;
}

/** The append-only list of finished transcript entries. */
export function useTranscript(initial: readonly TranscriptEntry[] = []): Transcript {
  const [items, setItems] = useState<readonly TranscriptItem[]>(() => initial.map((entry, id) => ({ ...entry, id })));
  const nextId = useRef(initial.length);
  const [epoch, setEpoch] = useState(0);
  const addedCalls = useRef(new Set<string>());

  const add = useCallback((...entries: TranscriptEntry[]) => {
    if (entries.length === 0) return;
    const added = entries.map((entry): TranscriptItem => ({ ...entry, id: nextId.current++ }));
    setItems((current) => [...current, ...added]);
  }, []);

  const addCalls = useCallback(
    (calls: readonly ToolCallRecord[]) => {
      const fresh = calls.filter((call) => !addedCalls.current.has(call.id));
      for (const call of fresh) addedCalls.current.add(call.id);
      add(...fresh.map((call): TranscriptEntry => ({ kind: 'call', call })));
    },
    [add],
  );

  const clear = useCallback(() => {
    setItems([]);
    setEpoch((e) => e + 1);
  }, []);

  return useMemo(() => ({ items, epoch, add, addCalls, clear }), [items, epoch, add, addCalls, clear]);
}
