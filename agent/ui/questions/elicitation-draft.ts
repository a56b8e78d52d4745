import type { FormField } from '../../core/elicitation-form.js';

/** What the question panel and its key handler share for a server's form: the draft and the field window. */
export interface ElicitationDraft {
  /** The focused field. */
  field: number;
  /** Typed text per field name (yes/no and choices are text too until sent). */
  values: Readonly<Record<string, string>>;
  /** Why the last Enter did not send (one line), until the next key. */
  problem?: string;
}

/** Fields shown at once; the rest scroll with the focus. */
export const VISIBLE_FIELDS = 6;

/** A field's default as the text the user would type. */
export function defaultText(field: FormField): string {
  const value = field.default;
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}

/** The first shown field, so that the focused one is in the window. */
export function windowStart(fields: number, focused: number): number {
  return Math.max(0, Math.min(focused - Math.floor(VISIBLE_FIELDS / 2), fields - VISIBLE_FIELDS));
}
