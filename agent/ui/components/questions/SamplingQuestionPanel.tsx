import { Box, Text } from 'ink';
import { safeLine } from '../../../../config/terminal-text.js';
import { useTheme } from '../../contexts/ThemeContext.js';
import type { LegendItem } from '../../questions/legend.js';
import type { QuestionPanelProps } from '../../questions/types.js';
import { KeyLegend } from './KeyLegend.js';

/** Prompt lines shown; a longer prompt ends with a count of the rest. */
export const SAMPLING_PROMPT_LINES = 4;

export const SAMPLING_LEGEND: readonly LegendItem[] = [
  ['y', 'allow this request'],
  ['n', 'refuse'],
];

/** A server's request to use the model, in the asking call's pane: who asks, the prompt (text only), the token limit, the keys. */
export function SamplingQuestionPanel({ question, ready, columns }: QuestionPanelProps<'sampling', null>) {
  const theme = useTheme();
  const lines = question.prompt.split('\n');
  const shown = lines.slice(0, SAMPLING_PROMPT_LINES);
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end" color={theme.warning}>{`server "${safeLine(question.server, 64)}" asks to use the model (up to ${question.maxTokens} tokens):`}</Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {`  ${safeLine(line, 300)}${i === shown.length - 1 && lines.length > shown.length ? ` … (${lines.length - shown.length} more lines)` : ''}`}
        </Text>
      ))}
      {question.systemPrompt ? <Text wrap="truncate-end" dimColor>{`  system: ${safeLine(question.systemPrompt, 300)}`}</Text> : null}
      <KeyLegend items={SAMPLING_LEGEND} ready={ready} columns={columns} />
    </Box>
  );
}
