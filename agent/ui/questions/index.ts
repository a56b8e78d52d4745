import { approvalUi } from './approval.js';
import { elicitationUi } from './elicitation.js';
import { samplingUi } from './sampling.js';
import type { QuestionUis } from './types.js';

/** The UI of every kind of call question (agent/core/tool-calls/questions.ts lists the kinds). */
export const questionUis: QuestionUis = {
  approval: approvalUi,
  elicitation: elicitationUi,
  sampling: samplingUi,
};
