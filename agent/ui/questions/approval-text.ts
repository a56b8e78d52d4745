import type { QuestionOf, ToolAnnotations } from '../../core/tool-calls/questions.js';
import type { LegendItem } from './legend.js';

/** What the approval panel and its key handler share: the draft's shape and the words shown. */

/** Not typing, or typing the reason for a denial (N). */
export type ApprovalDraft = { typing: false } | { typing: true; reason: string };

/** Argument lines shown before the rest is folded into a count. */
export const ARG_LINES = 8;

/** The declared annotations in words; "none declared" says the server made no claim. */
export function annotationText(annotations: ToolAnnotations): string {
  const words = [
    annotations.readOnlyHint === true && 'read-only',
    annotations.destructiveHint === true && 'destructive',
    annotations.destructiveHint === false && 'not destructive',
    annotations.idempotentHint === true && 'idempotent',
    annotations.openWorldHint === true && 'open world',
    annotations.openWorldHint === false && 'closed world',
  ].filter((w): w is string => typeof w === 'string');
  return words.length > 0 ? words.join(' · ') : 'none declared';
}

/** The approval's keys; `s` only for a tool declared read-only. */
export function approvalLegend(question: QuestionOf<'approval'>): LegendItem[] {
  return [
    ['y', 'allow once'],
    ['a', 'always allow'],
    ...(question.readOnly ? [['s', "allow the server's read-only tools"] as const] : []),
    ['n', 'deny'],
    ['N', 'deny with reason'],
  ];
}
