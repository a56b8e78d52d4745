import type { FormField } from '../../core/elicitation-form.js';
import type { QuestionOf } from '../../core/tool-calls/questions.js';
import type { LegendItem } from './legend.js';

/** What the question panel and its key handler share for a server's form: the draft, the field window, the keys. */
export interface ElicitationDraft {
  /** The focused field. */
  field: number;
  /** Typed text per field name (a yes/no or a single choice is its value as text until sent). */
  values: Readonly<Record<string, string>>;
  /** The picked values of each multi-choice field, in the schema's order. */
  picked: Readonly<Record<string, readonly string[]>>;
  /** The highlighted choice of each multi-choice field (Space picks it). */
  cursor: Readonly<Record<string, number>>;
  /** Why the last Enter did not send (one line), until the next key. */
  problem?: string;
}

/** Fields shown at once; the rest scroll with the focus. */
export const VISIBLE_FIELDS = 6;

/** A field's default as the text the user would type. */
export function defaultText(field: FormField): string {
  const value = field.default;
  if (value === undefined || Array.isArray(value)) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

export function initialDraft(question: QuestionOf<'elicitation'>): ElicitationDraft {
  const fields = question.mode === 'form' ? question.fields : [];
  const picked: Record<string, readonly string[]> = {};
  for (const field of fields) {
    if (field.kind !== 'choices') continue;
    const defaults = Array.isArray(field.default) ? field.default.map(String) : [];
    picked[field.name] = (field.choices ?? []).map((c) => c.value).filter((v) => defaults.includes(v));
  }
  return { field: 0, values: Object.fromEntries(fields.filter((f) => f.kind !== 'choices').map((f) => [f.name, defaultText(f)])), picked, cursor: {} };
}

/** The first shown field, so that the focused one is in the window. */
export function windowStart(fields: number, focused: number): number {
  return Math.max(0, Math.min(focused - Math.floor(VISIBLE_FIELDS / 2), fields - VISIBLE_FIELDS));
}

/** The keys that work on the focused field, then the form's own. */
export function elicitationLegend(question: QuestionOf<'elicitation'>, draft: ElicitationDraft): LegendItem[] {
  if (question.mode === 'url') {
    return [
      ['Enter', 'done'],
      ['Ctrl-D', 'decline'],
      ['Esc', 'cancel'],
    ];
  }
  const field = question.fields[draft.field];
  const own: LegendItem[] =
    field?.kind === 'choice'
      ? [['←→', 'choose']]
      : field?.kind === 'choices'
        ? [
            ['←→', 'move'],
            ['Space', 'pick or unpick'],
          ]
        : field?.kind === 'boolean'
          ? [['Space', 'yes/no']]
          : [];
  return [['Enter', 'send'], ...(question.fields.length > 1 ? [['↑↓', 'field'] as const] : []), ...own, ['Ctrl-D', 'decline'], ['Esc', 'cancel']];
}
