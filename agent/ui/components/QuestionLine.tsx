import { Box, Text } from 'ink';
import type { CallQuestion } from '../../core/tool-calls/questions.js';
import type { ToolCallRecord } from '../../core/tool-calls/types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { toolLabel } from '../format.js';
import { questionUis } from '../questions/index.js';
import { NOT_READY } from '../questions/legend.js';
import type { QuestionUi } from '../questions/types.js';

/**
 * A waiting call's question in one line, for a terminal too small for its panel: which server and
 * tool ask, and the keys that answer from here (permanent answers need the panel). The keys are
 * never cut: the words before them are.
 */
export function QuestionLine({ call, question, ready, columns }: { call: ToolCallRecord; question: CallQuestion; ready: boolean; columns: number }) {
  const theme = useTheme();
  const ui = questionUis[question.kind] as QuestionUi<CallQuestion['kind'], unknown>;
  return (
    <Box width={columns}>
      <Box flexShrink={1}>
        <Text wrap="truncate-end" color={theme.warning}>
          <Text bold>{`? ${toolLabel(call)}`}</Text> {ready ? ui.lineTitle : NOT_READY}
        </Text>
      </Box>
      {ready ? (
        <Box flexShrink={0}>
          <Text color={theme.warning} bold>{` ${ui.lineLegend}`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
