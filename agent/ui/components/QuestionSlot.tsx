import type { CallQuestion } from '../../core/tool-calls/questions.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { questionUis } from '../questions/index.js';
import type { QuestionUi } from '../questions/types.js';

export interface QuestionSlotProps {
  call: ToolCallRecord;
  question: CallQuestion;
  draft: unknown;
  ready: boolean;
  columns: number;
}

/** The open question of a waiting call, rendered by its kind's panel. */
export function QuestionSlot({ call, question, draft, ready, columns }: QuestionSlotProps) {
  const { Panel } = questionUis[question.kind] as QuestionUi<CallQuestion['kind'], unknown>;
  return <Panel call={call} question={question as never} draft={draft} ready={ready} columns={columns} />;
}
