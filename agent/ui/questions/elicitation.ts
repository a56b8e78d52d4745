import type { Key } from 'ink';
import { checkAnswers, parseAnswer, type FormField } from '../../core/elicitation-form.js';
import type { QuestionOf } from '../../core/tool-calls/questions.js';
import { ElicitationQuestionPanel } from '../components/questions/ElicitationQuestionPanel.js';
import { elicitationLegend, initialDraft, VISIBLE_FIELDS, type ElicitationDraft } from './elicitation-draft.js';
import { legendRows } from './legend.js';
import type { KeyOutcome, QuestionUi } from './types.js';

/**
 * Keys of a server's question (elicitation): ↑/↓ move between fields, typing fills the focused
 * one; ←/→ choose a single choice (typing a letter jumps to the choice it starts), ←/→ and Space
 * move through and pick several choices, Space flips yes/no; Enter checks every field and sends,
 * Ctrl-D declines; Esc (handled for every kind) cancels. A URL question: Enter once the page is done.
 */

/** Longest text kept per field: a form answer is a line, not a document. */
const FIELD_CHARS = 500;

type Question = QuestionOf<'elicitation'>;

const withValue = (draft: ElicitationDraft, name: string, value: string): ElicitationDraft => ({ ...draft, values: { ...draft.values, [name]: value }, problem: undefined });

/** ←/→ on the focused field: the next single choice, the next highlighted multi-choice, or yes/no. */
function step(field: FormField, draft: ElicitationDraft, by: number): ElicitationDraft | undefined {
  const choices = field.choices ?? [];
  if (field.kind === 'boolean') return withValue(draft, field.name, /^y/i.test(draft.values[field.name] ?? '') ? 'no' : 'yes');
  if (choices.length === 0) return undefined;
  if (field.kind === 'choice') {
    const index = choices.findIndex((c) => c.value === draft.values[field.name]);
    const next = choices[(index + by + choices.length) % choices.length];
    return next ? withValue(draft, field.name, next.value) : undefined;
  }
  if (field.kind === 'choices') {
    const at = ((draft.cursor[field.name] ?? 0) + by + choices.length) % choices.length;
    return { ...draft, cursor: { ...draft.cursor, [field.name]: at }, problem: undefined };
  }
  return undefined;
}

/** Space on a multi-choice field: picks or unpicks the highlighted choice (kept in the schema's order). */
function toggle(field: FormField, draft: ElicitationDraft): ElicitationDraft {
  const choices = field.choices ?? [];
  const value = choices[draft.cursor[field.name] ?? 0]?.value;
  if (value === undefined) return draft;
  const now = new Set(draft.picked[field.name] ?? []);
  if (now.has(value)) now.delete(value);
  else now.add(value);
  const picked = choices.map((c) => c.value).filter((v) => now.has(v));
  return { ...draft, picked: { ...draft.picked, [field.name]: picked }, problem: undefined };
}

/** The answers as the server's schema wants them (empty ones left out). */
function content(fields: readonly FormField[], draft: ElicitationDraft): Record<string, unknown> {
  return Object.fromEntries(
    fields.flatMap((f) => {
      if (f.kind === 'choices') {
        const picked = draft.picked[f.name] ?? [];
        return picked.length === 0 ? [] : [[f.name, [...picked]]];
      }
      const value = parseAnswer(f, draft.values[f.name] ?? '');
      return value === undefined ? [] : [[f.name, value]];
    }),
  );
}

function onKey(question: Question, draft: ElicitationDraft, input: string, key: Key): KeyOutcome<'elicitation', ElicitationDraft> {
  if (key.ctrl && input === 'd') return { answer: { kind: 'elicitation', action: 'decline' } };
  if (question.mode === 'url') return key.return ? { answer: { kind: 'elicitation', action: 'accept' } } : undefined;
  const fields = question.fields;
  if (key.return) {
    const answers = content(fields, draft);
    const problems = checkAnswers(fields, answers);
    if (problems.length > 0) return { draft: { ...draft, problem: problems[0] } };
    return { answer: { kind: 'elicitation', action: 'accept', content: answers } };
  }
  if (key.upArrow || key.downArrow) {
    const field = Math.max(0, Math.min(fields.length - 1, draft.field + (key.upArrow ? -1 : 1)));
    return { draft: { ...draft, field, problem: undefined } };
  }
  const field = fields[draft.field];
  if (!field) return undefined;
  if (key.leftArrow || key.rightArrow) {
    const next = step(field, draft, key.leftArrow ? -1 : 1);
    return next ? { draft: next } : undefined;
  }
  if (input === ' ' && field.kind === 'boolean') return { draft: step(field, draft, 1) ?? draft };
  if (input === ' ' && field.kind === 'choices') return { draft: toggle(field, draft) };
  const current = draft.values[field.name] ?? '';
  if ((key.backspace || key.delete) && field.kind !== 'choice' && field.kind !== 'choices') {
    return { draft: withValue(draft, field.name, [...current].slice(0, -1).join('')) };
  }
  if (key.ctrl || key.meta || input === '') return undefined;
  if (field.kind === 'choices') return undefined;
  if (field.kind === 'choice') {
    // A letter jumps to the next choice whose title starts with it.
    const choices = field.choices ?? [];
    const from = choices.findIndex((c) => c.value === draft.values[field.name]);
    const wanted = input.toLowerCase();
    const order = choices.map((_, i) => choices[(from + 1 + i) % choices.length]).filter((c) => c !== undefined);
    const hit = order.find((c) => c.label.toLowerCase().startsWith(wanted));
    return hit ? { draft: withValue(draft, field.name, hit.value) } : undefined;
  }
  // Pasted text arrives in one piece; controls never reach an answer.
  const typed = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return { draft: withValue(draft, field.name, (current + typed).slice(0, FIELD_CHARS)) };
}

export const elicitationUi: QuestionUi<'elicitation', ElicitationDraft> = {
  initialDraft,
  onKey,
  Panel: ElicitationQuestionPanel,
  // The question, the fields shown (a URL question: its URL), the focused field's description,
  // "field N of M", a problem line, the keys.
  rows: (_call, question, draft, columns) => {
    const legend = legendRows(elicitationLegend(question, draft), columns);
    if (question.mode === 'url') return 2 + legend;
    const fields = question.fields;
    const described = fields[draft.field]?.description ? 1 : 0;
    return 1 + Math.min(VISIBLE_FIELDS, fields.length) + described + (fields.length > VISIBLE_FIELDS ? 1 : 0) + (draft.problem ? 1 : 0) + legend;
  },
  lineKeys: [],
  lineTitle: 'asks a question (a larger terminal shows the form)',
  lineLegend: 'Esc cancel',
};
