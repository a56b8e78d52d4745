import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../config/error-text.js';
import { safeBlock } from '../../../config/terminal-text.js';
import type { AgentEngine, ConversationSummary, HistoryEntry, ResumeChoice } from '../../core/engine-types.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import type { TranscriptEntry } from '../transcript.js';

/**
 * Going on with a saved conversation: at start (`--continue`, `--resume [ID]`) and with /resume.
 * Opens the picker (this directory's conversations), and once one is chosen shows its history in
 * a fresh transcript, then what is gone since. Behaviour only; ConversationPicker renders.
 */
export interface Resume {
  /** The picker is open and owns the keys. */
  active: boolean;
  conversations: readonly ConversationSummary[];
  selected: number;
  /** Opens the picker. */
  pick(): void;
  /** Resumes a conversation by ID (absent: the latest of this directory). */
  resume(id?: string): void;
}

export interface ResumeDeps {
  engine: AgentEngine;
  add: (...entries: TranscriptEntry[]) => void;
  /** Empties the transcript (and the screen) before the resumed history is shown. */
  clear: () => void;
  /** What to do at start. */
  initial?: ResumeChoice;
  /** Keys go elsewhere (a turn runs, a sign-in panel is up). */
  enabled: boolean;
}

function toTranscript(entry: HistoryEntry): TranscriptEntry {
  switch (entry.kind) {
    case 'user':
      // The file is the user's own, but text read back from disk is shown like outside text.
      return { kind: 'user', text: safeBlock(entry.text) };
    case 'assistant':
      return { kind: 'assistant', text: entry.text, continued: false };
    case 'call':
      return { kind: 'call', call: entry.call };
    case 'compaction':
      return { kind: 'compaction', compaction: entry.compaction };
    case 'notice':
      return { kind: 'notice', text: entry.text };
  }
}

export function useResume({ engine, add, clear, initial, enabled }: ResumeDeps): Resume {
  const [picker, setPicker] = useState<{ conversations: readonly ConversationSummary[]; selected: number } | undefined>(undefined);
  const busy = useRef(false);

  const resume = useCallback(
    (id?: string) => {
      if (busy.current) return;
      busy.current = true;
      setPicker(undefined);
      engine
        .resume(id)
        .then(
          (resumed) => {
            clear();
            add(...resumed.history.map(toTranscript), ...resumed.notices.map((text): TranscriptEntry => ({ kind: 'notice', text })));
            add({ kind: 'info', text: `Resumed conversation ${resumed.id}: the model has its history. /clear starts a new one.` });
            void resumed.gone.then((line) => {
              if (line) add({ kind: 'notice', text: line });
            });
          },
          (error: unknown) =>
            add({ kind: id === undefined ? 'info' : 'error', text: id === undefined ? `${errorMessage(error)}: this is a new conversation.` : errorMessage(error) }),
        )
        .finally(() => {
          busy.current = false;
        });
    },
    [engine, add, clear],
  );

  const pick = useCallback(() => {
    engine.listConversations().then(
      (conversations) => {
        if (conversations.length === 0) add({ kind: 'info', text: 'No saved conversations in this directory yet.' });
        else setPicker({ conversations, selected: 0 });
      },
      (error: unknown) => add({ kind: 'error', text: `Could not list the saved conversations: ${errorMessage(error)}` }),
    );
  }, [engine, add]);

  const started = useRef(false);
  useEffect(() => {
    if (started.current || !initial) return;
    started.current = true;
    if ('pick' in initial) pick();
    else resume('id' in initial ? initial.id : undefined);
  }, [initial, pick, resume]);

  // Modal: the picker takes every key while it shows.
  useKeys(
    'picker',
    ({ key }) => {
      if (!picker) return false;
      if (key.escape) setPicker(undefined);
      else if (key.upArrow) setPicker({ ...picker, selected: Math.max(0, picker.selected - 1) });
      else if (key.downArrow) setPicker({ ...picker, selected: Math.min(picker.conversations.length - 1, picker.selected + 1) });
      else if (key.return) {
        const chosen = picker.conversations[picker.selected];
        if (chosen) resume(chosen.id);
      }
      return true;
    },
    enabled && picker !== undefined,
  );

  return { active: picker !== undefined, conversations: picker?.conversations ?? [], selected: picker?.selected ?? 0, pick, resume };
}
