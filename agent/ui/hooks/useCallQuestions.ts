import { useInput } from 'ink';
import { useRef, useState } from 'react';
import type { AgentEngine } from '../../core/engine-types.js';
import { declineAnswer, type CallAnswer, type CallQuestion } from '../../core/tool-calls/questions.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { questionUis } from '../questions/index.js';
import type { QuestionUi } from '../questions/types.js';

/**
 * Focus and keys among the calls that wait for the user (record.question), whatever the kind:
 * Tab / Shift-Tab move between them, Esc gives the focused one its kind's "no", every other key
 * goes to the focused question's kind (agent/ui/questions). Calls that ask nothing keep running.
 */
export type WaitingCall = ToolCallRecord & { question: CallQuestion };

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
  engine: Pick<AgentEngine, 'answerCall'>;
  /** Whether keys may go to questions now (not while the login panel or another prompt owns them). */
  active: boolean;
}

type AnyUi = QuestionUi<CallQuestion['kind'], unknown>;
const uiFor = (question: CallQuestion): AnyUi => questionUis[question.kind] as AnyUi;

/** The draft a call's question has now. */
export function draftOf(drafts: ReadonlyMap<string, unknown>, call: WaitingCall): unknown {
  return drafts.has(call.id) ? drafts.get(call.id) : uiFor(call.question).initialDraft(call.question as never);
}

export function useCallQuestions({ calls, engine, active }: CallQuestionOptions): CallQuestions {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, unknown>>(new Map());
  // Keys can come faster than renders (a paste, then Enter): each reads the draft the last one left.
  const latest = useRef(drafts);
  const keep = (next: ReadonlyMap<string, unknown>): void => {
    latest.current = next;
    setDrafts(next);
  };
  const waiting = calls.filter((c): c is WaitingCall => c.question !== undefined);
  // A chosen call that was answered hands focus to the first still waiting.
  const focused = waiting.find((c) => c.id === chosen) ?? waiting[0];

  const send = (id: string, answer: CallAnswer): void => {
    engine.answerCall(id, answer);
    const next = new Map(latest.current);
    next.delete(id);
    keep(next);
  };

  useInput(
    (input, key) => {
      if (!focused) return;
      const { question } = focused;
      const outcome = key.escape || key.tab ? undefined : uiFor(question).onKey(question as never, draftOf(latest.current, focused), input, key);
      if (outcome && 'answer' in outcome) send(focused.id, outcome.answer as CallAnswer);
      else if (outcome) keep(new Map(latest.current).set(focused.id, outcome.draft));
      else if (key.escape) send(focused.id, declineAnswer(question) as CallAnswer);
      else if (key.tab) {
        const index = waiting.indexOf(focused);
        const step = key.shift ? -1 : 1;
        setChosen(waiting[(index + step + waiting.length) % waiting.length]?.id);
      }
    },
    { isActive: active && focused !== undefined },
  );

  const openRows = focused ? uiFor(focused.question).rows(focused, focused.question as never, draftOf(drafts, focused)) : 0;
  return { waiting, focusedId: focused?.id, drafts, openRows };
}
