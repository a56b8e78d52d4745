import type { Key } from 'ink';
import type { QuestionOf } from '../../core/tool-calls/questions.js';
import { ApprovalQuestionPanel } from '../components/questions/ApprovalQuestionPanel.js';
import { ARG_LINES, approvalLegend } from './approval-text.js';
import { legendRows } from './legend.js';
import { reviewArgs } from './review-args.js';
import type { KeyOutcome, QuestionUi } from './types.js';
import type { ApprovalDraft } from './approval-text.js';

/**
 * Keys of the approval question: y allow once, a allow this tool always, s allow this server's
 * read-only tools (offered only for a tool declared read-only), n deny, N deny with a reason
 * typed for the model (Enter sends it).
 */

/** Longest reason kept; the model needs a sentence, not an essay. */
const REASON_CHARS = 300;

type Question = QuestionOf<'approval'>;

function onKey(question: Question, draft: ApprovalDraft, input: string, key: Key): KeyOutcome<'approval', ApprovalDraft> {
  if (draft.typing) {
    if (key.return) {
      const reason = draft.reason.trim();
      return { answer: { kind: 'approval', decision: 'deny', ...(reason && { reason }) } };
    }
    if (key.backspace || key.delete) return { draft: { typing: true, reason: [...draft.reason].slice(0, -1).join('') } };
    if (key.ctrl || key.meta || key.tab || key.escape || input === '') return undefined;
    // Pasted text arrives in one piece; controls never reach the reason.
    const typed = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
    return { draft: { typing: true, reason: (draft.reason + typed).slice(0, REASON_CHARS) } };
  }
  switch (input) {
    case 'y':
      return { answer: { kind: 'approval', decision: 'once' } };
    case 'a':
      return { answer: { kind: 'approval', decision: 'always' } };
    case 's':
      return question.readOnly ? { answer: { kind: 'approval', decision: 'server-read-only' } } : undefined;
    case 'n':
      return { answer: { kind: 'approval', decision: 'deny' } };
    case 'N':
      return { draft: { typing: true, reason: '' } };
    default:
      return undefined;
  }
}

export const approvalUi: QuestionUi<'approval', ApprovalDraft> = {
  initialDraft: () => ({ typing: false }),
  onKey,
  Panel: ApprovalQuestionPanel,
  // Arguments, annotations, keys (the legend wraps; typing a reason replaces it with the reason line).
  rows: (call, question, draft, columns) => reviewArgs(call.args, { maxLines: ARG_LINES }).length + 1 + (draft.typing ? 1 : legendRows(approvalLegend(question), columns)),
  lineKeys: ['y', 'n'],
  lineTitle: 'wants approval (a larger terminal shows the arguments)',
  lineLegend: 'y allow · n deny',
};
