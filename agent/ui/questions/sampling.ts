import type { Key } from 'ink';
import type { QuestionOf } from '../../core/tool-calls/questions.js';
import { SAMPLING_LEGEND, SAMPLING_PROMPT_LINES, SamplingQuestionPanel } from '../components/questions/SamplingQuestionPanel.js';
import { legendRows } from './legend.js';
import type { KeyOutcome, QuestionUi } from './types.js';

/** Keys of a server's request to use the model (sampling): y allows this one request, n refuses (as does Esc). */
function onKey(_question: QuestionOf<'sampling'>, _draft: null, input: string, _key: Key): KeyOutcome<'sampling', null> {
  if (input === 'y') return { answer: { kind: 'sampling', allowed: true } };
  if (input === 'n') return { answer: { kind: 'sampling', allowed: false } };
  return undefined;
}

export const samplingUi: QuestionUi<'sampling', null> = {
  initialDraft: () => null,
  onKey,
  Panel: SamplingQuestionPanel,
  // The head line, the prompt's lines, the system prompt (when sent), the keys.
  rows: (_call, question, _draft, columns) =>
    1 + Math.min(SAMPLING_PROMPT_LINES, question.prompt.split('\n').length) + (question.systemPrompt ? 1 : 0) + legendRows(SAMPLING_LEGEND, columns),
  lineKeys: ['y', 'n'],
  lineTitle: 'asks to use the model (a larger terminal shows the prompt)',
  lineLegend: 'y allow · n refuse',
};
