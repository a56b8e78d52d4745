import { Box, Text } from 'ink';
import { safeLine } from '../../../../config/terminal-text.js';
import { useTheme } from '../../contexts/ThemeContext.js';
import type { QuestionPanelProps } from '../../questions/types.js';

/** Prompt lines shown; a longer prompt ends with a count of the rest. */
export const SAMPLING_PROMPT_LINES = 4;

/** A server's request to use the model, in the asking call's pane: who asks, the prompt (text only), the token limit, the keys. */
export function SamplingQuestionPanel({ question }: QuestionPanelProps<'sampling', null>) {
  const theme = useTheme();
  const lines = question.prompt.split('\n');
  const shown = lines.slice(0, SAMPLING_PROMPT_LINES);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" color={theme.warning}>{`server "${safeLine(question.server, 64)}" asks to use the model (up to ${question.maxTokens} tokens):`}</Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {`  ${safeLine(line, 300)}${i === shown.length - 1 && lines.length > shown.length ? ` … (${lines.length - shown.length} more lines)` : ''}`}
        </Text>
      ))}
      {question.systemPrompt ? <Text wrap="truncate-end" dimColor>{`  system: ${safeLine(question.systemPrompt, 300)}`}</Text> : null}
      <Text wrap="truncate-end" color={theme.warning}>
        <Text bold>y</Text> allow this request · <Text bold>n</Text> refuse
      </Text>
    </Box>
  );
}
