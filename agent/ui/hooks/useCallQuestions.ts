import { useEffect, useRef, useState } from 'react';
import type { AgentEngine } from '../../core/engine-types.js';
import { declineAnswer, type CallAnswer, type CallQuestion } from '../../core/tool-calls/questions.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useClock } from '../contexts/ClockContext.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import { isTyping, type KeyPress } from '../keyboard/key-press.js';
import type { QuestionShown } from '../layout.js';
import { questionUis } from '../questions/index.js';
import type { QuestionUi } from '../questions/types.js';

/**
 * Focus and keys among the calls that wait for the user (record.question), whatever the kind:
 * Tab / Shift-Tab move between them, Esc gives the focused one its kind's "no", every other key
 * goes to the focused question's kind (agent/ui/questions). Calls that ask nothing keep running.
 *
 * Two rules keep answers deliberate:
 * - a key answers only a question that is on screen: its panel in the call's pane, or, where the
 *   terminal is too small for it, one line naming server, tool and the keys that work there;
 * - typing never answers: until the question is engaged, a typing key counts only after the
 *   question has been on screen for QUIET_MS with no typing in between. Keys typed before that
 *   (text meant for the input, "ma" as an approval appears) go on to the input, where they stay.
 */
export type WaitingCall = ToolCallRecord & { question: CallQuestion };

/** Quiet time (no typing, question on screen) before a typing key may answer. */
export const QUIET_MS = 600;

export interface CallQuestions {
  /** Calls with a question, in start order. */
  waiting: readonly WaitingCall[];
  /** The waiting call whose question is open and gets the keys. */
  focusedId: string | undefined;
  /** Half-typed answers by call id (absent: the kind's initial draft). */
  drafts: ReadonlyMap<string, unknown>;
  /** Rows the focused call's open question takes below its pane (0 when none waits). */
  openRows: number;
}

export interface CallQuestionOptions {
  /** The calls not yet finished (useToolCalls().running). */
  calls: readonly ToolCallRecord[];
  /** Columns an open question has (the pane's, less its gutter). */
  columns: number;
}

type AnyUi = QuestionUi<CallQuestion['kind'], unknown>;
export const uiFor = (question: CallQuestion): AnyUi => questionUis[question.kind] as AnyUi;

/** The draft a call's question has now. */
export function draftOf(drafts: ReadonlyMap<string, unknown>, call: WaitingCall): unknown {
  return drafts.has(call.id) ? drafts.get(call.id) : uiFor(call.question).initialDraft(call.question as never);
}

interface QuestionState extends CallQuestions {
  focused: WaitingCall | undefined;
  choose(id: string | undefined): void;
  /** The drafts as of the latest key (keys can come faster than renders). */
  latest: { current: ReadonlyMap<string, unknown> };
  keep(next: ReadonlyMap<string, unknown>): void;
}

/** Which call's question is open and its draft; keys come through useQuestionKeys once the layout says how it shows. */
export function useCallQuestions({ calls, columns }: CallQuestionOptions): QuestionState {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, unknown>>(new Map());
  const latest = useRef(drafts);
  const keep = (next: ReadonlyMap<string, unknown>): void => {
    latest.current = next;
    setDrafts(next);
  };
  const waiting = calls.filter((c): c is WaitingCall => c.question !== undefined);
  // A chosen call that was answered hands focus to the first still waiting.
  const focused = waiting.find((c) => c.id === chosen) ?? waiting[0];
  const openRows = focused ? uiFor(focused.question).rows(focused, focused.question as never, draftOf(drafts, focused), columns) : 0;
  return { waiting, focused, focusedId: focused?.id, drafts, openRows, choose: setChosen, latest, keep };
}

export interface QuestionKeys {
  /** Keys answer the focused question now (false: typing goes to the input until a quiet moment). */
  ready: boolean;
}

/**
 * The keys of the focused question, as the keyboard's `call-question` owner, given how the layout
 * shows it. A question shown as one line takes only its kind's `lineKeys` (and Esc).
 */
export function useQuestionKeys(state: QuestionState, engine: Pick<AgentEngine, 'answerCall'>, shown: QuestionShown): QuestionKeys {
  const clock = useClock();
  const { focused, waiting, latest, keep } = state;
  const id = focused?.id;
  const visible = id !== undefined && shown !== 'hidden';
  // When typing keys may answer: QUIET_MS after the question came on screen, pushed back by typing.
  const readyAt = useRef<{ id: string | undefined; at: number }>({ id: undefined, at: 0 });
  const engaged = useRef(new Set<string>());
  const [, redraw] = useState(0);
  if (!visible) readyAt.current = { id: undefined, at: 0 };
  else if (readyAt.current.id !== id) readyAt.current = { id, at: clock.now() + QUIET_MS };
  const ready = visible && (engaged.current.has(id) || clock.now() >= readyAt.current.at);

  // Draw the question again when it becomes ready, so its keys show.
  const wait = visible && !ready ? readyAt.current.at - clock.now() : undefined;
  useEffect(() => {
    if (wait === undefined) return;
    return clock.setTimeout(() => redraw((n) => n + 1), wait);
  }, [clock, wait]);

  const send = (callId: string, answer: CallAnswer): void => {
    engine.answerCall(callId, answer);
    engaged.current.delete(callId);
    const next = new Map(latest.current);
    next.delete(callId);
    keep(next);
  };

  useKeys(
    'call-question',
    (press: KeyPress) => {
      if (!focused) return false;
      const { input, key } = press;
      const { question } = focused;
      const ui = uiFor(question);
      if (key.escape) {
        send(focused.id, declineAnswer(question) as CallAnswer);
        return true;
      }
      if (key.tab) {
        const index = waiting.indexOf(focused);
        state.choose(waiting[(index + (key.shift ? -1 : 1) + waiting.length) % waiting.length]?.id);
        return true;
      }
      const typing = isTyping(press);
      const engagedNow = engaged.current.has(focused.id);
      // Typing the question does not take belongs to the input, and the question waits for a quiet moment again.
      const passOn = (): boolean => {
        if (!typing) return true;
        if (!engagedNow) {
          readyAt.current = { id: focused.id, at: Math.max(readyAt.current.at, press.at + QUIET_MS) };
          redraw((n) => n + 1);
        }
        return false;
      };
      if (typing && !engagedNow && !(press.at >= readyAt.current.at && press.sinceText >= QUIET_MS)) return passOn();
      // The one-line form takes only its own keys.
      if (shown === 'line' && !(ui.lineKeys as readonly string[]).includes(input)) return passOn();
      const outcome = ui.onKey(question as never, draftOf(latest.current, focused), input, key);
      if (outcome === undefined) return passOn();
      engaged.current.add(focused.id);
      if ('answer' in outcome) send(focused.id, outcome.answer as CallAnswer);
      else keep(new Map(latest.current).set(focused.id, outcome.draft));
      return true;
    },
    visible,
  );

  return { ready };
}
