import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../config/error-text.js';
import type { AgentEngine, TurnEvent, TurnResult } from '../../core/engine-types.js';
import { attachedLine } from '../../core/user-input/attached-line.js';
import { splitAtParagraph } from '../markdown.js';
import type { TranscriptEntry } from '../transcript.js';
import { useThrottledCallback } from './useThrottledCallback.js';

export interface Turn {
  running: boolean;
  /** The part of the assistant's reply that is still streaming (earlier paragraphs are already in the transcript). */
  liveText: string;
  /** Whether `liveText` continues a reply whose first paragraphs are already printed. */
  liveContinues: boolean;
  /** Runs a turn for `prompt`, or queues it while one runs (sent as the next turn when this one ends). */
  submit(prompt: string): void;
  /** Prompts typed while the turn runs, waiting for it to end. */
  queued: readonly string[];
  /** Cancels the running turn (model stream and its calls); false when no turn runs. */
  cancel(): boolean;
}

export interface TurnDeps {
  engine: AgentEngine;
  add: (...entries: TranscriptEntry[]) => void;
  /** Prints calls that finished, so they come before any text printed after them. */
  flushCalls: () => void;
  /** Queued prompts of a turn that did not end normally, given back to be edited (never sent unasked). */
  giveBack: (text: string) => void;
}

function outcome(result: TurnResult): TranscriptEntry | undefined {
  switch (result.stopReason) {
    case 'cancelled':
      return { kind: 'info', text: 'Turn cancelled.' };
    case 'error':
      return { kind: 'error', text: result.error ?? 'The turn failed.' };
    case 'turn_limit':
      return { kind: 'notice', text: 'Stopped: the model used too many tool rounds in one turn.' };
    case 'end_turn':
      return undefined;
  }
}

/** Queued prompts become one message, as typed one after another. */
const joinQueued = (prompts: readonly string[]): string => prompts.join('\n\n');

/**
 * Runs one turn at a time: streams the reply (throttled), prints finished paragraphs, reports how
 * it ended. Prompts sent while a turn runs wait in a queue and go as one message when it ends
 * normally; after a cancelled or failed turn they go back to the input instead.
 */
export function useTurn({ engine, add, flushCalls, giveBack }: TurnDeps): Turn {
  const [running, setRunning] = useState(false);
  const [live, setLive] = useState({ text: '', continues: false });
  const controller = useRef<AbortController | undefined>(undefined);
  const [queued, setQueued] = useState<readonly string[]>([]);
  const queue = useRef<readonly string[]>([]);
  const setQueue = useCallback((next: readonly string[]) => {
    queue.current = next;
    setQueued(next);
  }, []);
  const next = useRef<(prompt: string) => void>(() => {});
  // The reply as streamed so far but not yet printed, and whether part of it was printed already.
  const pending = useRef({ text: '', continues: false });
  const showPending = useThrottledCallback(() => setLive({ ...pending.current }));
  const resetPending = useCallback(() => {
    pending.current = { text: '', continues: false };
    setLive(pending.current);
  }, []);

  useEffect(() => () => controller.current?.abort(), []);

  const submit = useCallback(
    (prompt: string) => {
      if (controller.current) {
        setQueue([...queue.current, prompt]);
        return;
      }
      const turn = new AbortController();
      controller.current = turn;
      add({ kind: 'user', text: prompt });
      setRunning(true);
      let streamed = false;
      const print = (text: string): void => {
        if (text.trim() === '') return;
        // Calls that finished before this text must be printed above it.
        flushCalls();
        add({ kind: 'assistant', text, continued: pending.current.continues });
        pending.current = { text: '', continues: true };
      };
      const onEvent = (event: TurnEvent): void => {
        switch (event.type) {
          case 'text': {
            streamed = true;
            const { done, rest } = splitAtParagraph(pending.current.text + event.delta);
            print(done);
            pending.current = { ...pending.current, text: rest };
            // A printed paragraph must leave the live region in the same frame, or it shows twice.
            if (done.trim() !== '') showPending.flush();
            else showPending.request();
            return;
          }
          case 'tool-call':
            // The model moved on to tools: its text so far is final, and what follows is a new reply.
            print(pending.current.text);
            resetPending();
            return;
          case 'notice':
            add({ kind: 'notice', text: event.message });
            return;
          case 'attached':
            add({ kind: 'info', text: `↳ ${attachedLine(event)}` });
            return;
          case 'compacted':
            // Text streamed before the compaction belongs above it.
            print(pending.current.text);
            resetPending();
            add({ kind: 'compaction', compaction: event.compaction });
            return;
        }
      };
      let ended = false;
      engine
        .runTurn(prompt, { signal: turn.signal, onEvent })
        .then(
          (result) => {
            flushCalls();
            print(streamed ? pending.current.text : result.text);
            const end = outcome(result);
            if (end) add(end);
            ended = result.stopReason === 'end_turn';
          },
          (error: unknown) => {
            flushCalls();
            print(pending.current.text);
            add({ kind: 'error', text: errorMessage(error) });
          },
        )
        .finally(() => {
          controller.current = undefined;
          resetPending();
          setRunning(false);
          const waiting = queue.current;
          if (waiting.length === 0) return;
          setQueue([]);
          if (ended) next.current(joinQueued(waiting));
          else giveBack(joinQueued(waiting));
        });
    },
    [engine, add, flushCalls, showPending, resetPending, setQueue, giveBack],
  );
  next.current = submit;

  const cancel = useCallback(() => {
    if (!controller.current || controller.current.signal.aborted) return false;
    controller.current.abort(new Error('cancelled by the user'));
    return true;
  }, []);

  return { running, liveText: live.text, liveContinues: live.continues, submit, queued, cancel };
}
