import type { Key } from 'ink';
import { checkAnswers, parseAnswer } from '../../core/elicitation-form.js';
import type { QuestionOf } from '../../core/tool-calls/questions.js';
import { ElicitationQuestionPanel } from '../components/questions/ElicitationQuestionPanel.js';
import { defaultText, VISIBLE_FIELDS, type ElicitationDraft } from './elicitation-draft.js';
import type { KeyOutcome, QuestionUi } from './types.js';

/**
 * Keys of a server's question (elicitation): ↑/↓ move between fields, typing fills the focused
 * one (←/→ cycle a choice, space flips yes/no), Enter checks every field and sends, Ctrl-D
 * declines; Esc (handled for every kind) cancels. A URL question: Enter once the page is done.
 */

/** Longest text kept per field: a form answer is a line, not a document. */
const FIELD_CHARS = 500;

type Question = QuestionOf<'elicitation'>;

function cycle(question: Question, draft: ElicitationDraft, step: number): ElicitationDraft | undefined {
  if (question.mode !== 'form') return undefined;
  const field = question.fields[draft.field];
  if (!field) return undefined;
  const current = draft.values[field.name] ?? '';
  if (field.kind === 'boolean') return { field: draft.field, values: { ...draft.values, [field.name]: /^y/i.test(current) ? 'no' : 'yes' } };
  if (field.kind !== 'choice' || !field.choices?.length) return undefined;
  const index = field.choices.findIndex((c) => c.value === current);
  const next = field.choices[(index + step + field.choices.length) % field.choices.length];
  return next ? { field: draft.field, values: { ...draft.values, [field.name]: next.value } } : undefined;
}

function onKey(question: Question, draft: ElicitationDraft, input: string, key: Key): KeyOutcome<'elicitation', ElicitationDraft> {
  if (key.ctrl && input === 'd') return { answer: { kind: 'elicitation', action: 'decline' } };
  if (question.mode === 'url') return key.return ? { answer: { kind: 'elicitation', action: 'accept' } } : undefined;
  const fields = question.fields;
  if (key.return) {
    const content = Object.fromEntries(
      fields.flatMap((f) => {
        const value = parseAnswer(f, draft.values[f.name] ?? '');
        return value === undefined ? [] : [[f.name, value]];
      }),
    );
    const problems = checkAnswers(fields, content);
    if (problems.length > 0) return { draft: { ...draft, problem: problems[0] } };
    return { answer: { kind: 'elicitation', action: 'accept', content } };
  }
  if (key.upArrow || key.downArrow) {
    const field = Math.max(0, Math.min(fields.length - 1, draft.field + (key.upArrow ? -1 : 1)));
    return { draft: { field, values: draft.values } };
  }
  if (key.leftArrow || key.rightArrow) {
    const next = cycle(question, draft, key.leftArrow ? -1 : 1);
    return next ? { draft: next } : undefined;
  }
  const field = fields[draft.field];
  if (!field) return undefined;
  if (field.kind === 'boolean' && input === ' ') return { draft: cycle(question, draft, 1) ?? draft };
  const current = draft.values[field.name] ?? '';
  if (key.backspace || key.delete) return { draft: { field: draft.field, values: { ...draft.values, [field.name]: [...current].slice(0, -1).join('') } } };
  if (key.ctrl || key.meta || input === '') return undefined;
  // Pasted text arrives in one piece; controls never reach an answer.
  const typed = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return { draft: { field: draft.field, values: { ...draft.values, [field.name]: (current + typed).slice(0, FIELD_CHARS) } } };
}

export const elicitationUi: QuestionUi<'elicitation', ElicitationDraft> = {
  initialDraft: (question) => ({ field: 0, values: question.mode === 'form' ? Object.fromEntries(question.fields.map((f) => [f.name, defaultText(f)])) : {} }),
  onKey,
  Panel: ElicitationQuestionPanel,
  // The question, the fields shown (a URL question: its URL), a problem line, the keys.
  rows: (_call, question, draft) =>
    2 + (question.mode === 'form' ? Math.min(VISIBLE_FIELDS, question.fields.length) + (question.fields.length > VISIBLE_FIELDS ? 1 : 0) : 1) + (draft.problem ? 1 : 0),
};
