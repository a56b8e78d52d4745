import { Box, Text } from 'ink';
import { useTheme } from '../../contexts/ThemeContext.js';
import { annotationText, ARG_LINES, type ApprovalDraft } from '../../questions/approval-text.js';
import { reviewArgs } from '../../questions/review-args.js';
import type { QuestionPanelProps } from '../../questions/types.js';

/** The approval question in a call's pane: the arguments as they would be sent, the declared annotations, the keys. */
export function ApprovalQuestionPanel({ call, question, draft }: QuestionPanelProps<'approval', ApprovalDraft>) {
  const theme = useTheme();
  const lines = reviewArgs(call.args, { maxLines: ARG_LINES });
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        annotations: {annotationText(question.annotations)}
      </Text>
      <Text wrap="truncate-end" color={theme.warning}>
        <Text bold>y</Text> allow once · <Text bold>a</Text> always allow
        {question.readOnly ? (
          <>
            {' · '}
            <Text bold>s</Text> allow the server's read-only tools
          </>
        ) : null}
        {' · '}
        <Text bold>n</Text> deny · <Text bold>N</Text> deny with reason
      </Text>
      {draft.typing ? (
        <Text wrap="truncate-start">
          Reason for the model: {draft.reason}
          <Text inverse> </Text> <Text dimColor>(Enter to send)</Text>
        </Text>
      ) : null}
    </Box>
  );
}
