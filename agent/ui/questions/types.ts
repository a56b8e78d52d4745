import type { Key } from 'ink';
import type { ReactElement } from 'react';
import type { AnswerOf, QuestionKind, QuestionOf } from '../../core/tool-calls/questions.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';

/**
 * What the TUI needs for one kind of call question: its keys as a pure reducer over a draft (the
 * half-typed answer: a reason, a form), the panel that renders it, and the rows that panel takes.
 * Generic keys (Tab moves between waiting calls, Esc declines) are handled by useCallQuestions
 * for every kind and never reach `onKey`.
 */
export type KeyOutcome<K extends QuestionKind, D> =
  /** The answer is complete: it goes to the engine and the call goes on. */
  | { answer: AnswerOf<K> }
  /** The draft changed (typing). */
  | { draft: D }
  /** Not this kind's key. */
  | undefined;

export interface QuestionPanelProps<K extends QuestionKind, D> {
  call: ToolCallRecord;
  question: QuestionOf<K>;
  draft: D;
  /** Keys answer it now; false while typing still goes to the input (useQuestionKeys). */
  ready: boolean;
  /** Columns the panel has. */
  columns: number;
}

export interface QuestionUi<K extends QuestionKind, D> {
  initialDraft(question: QuestionOf<K>): D;
  onKey(question: QuestionOf<K>, draft: D, input: string, key: Key): KeyOutcome<K, D>;
  Panel(props: QuestionPanelProps<K, D>): ReactElement;
  /** Rows the panel takes at `columns` (its lines truncate, except a key legend that wraps). */
  rows(call: ToolCallRecord, question: QuestionOf<K>, draft: D, columns: number): number;
  /** Keys that answer it from its one-line form (a terminal too small for the panel); Esc always does. */
  lineKeys: readonly string[];
  /** The one-line form's words after the call's name, e.g. "wants approval" (cut first where the line is short). */
  lineTitle: string;
  /** The one-line form's keys, e.g. "y allow · n deny" (always shown whole). */
  lineLegend: string;
}

/** One UI per kind; a kind added to the core without a UI here is a compile error. */
// biome-ignore lint/suspicious/noExplicitAny: each kind's draft type is its own; the map only pairs kind and UI
export type QuestionUis = { [K in QuestionKind]: QuestionUi<K, any> };
