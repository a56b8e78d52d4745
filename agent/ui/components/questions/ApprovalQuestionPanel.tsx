import { Box, Text } from 'ink';
import { annotationText, approvalLegend, ARG_LINES, type ApprovalDraft } from '../../questions/approval-text.js';
import { reviewArgs } from '../../questions/review-args.js';
import type { QuestionPanelProps } from '../../questions/types.js';
import { KeyLegend } from './KeyLegend.js';

/** The approval question in a call's pane: the arguments as they would be sent, the declared annotations, the keys (or the reason being typed). */
export function ApprovalQuestionPanel({ call, question, draft, ready, columns }: QuestionPanelProps<'approval', ApprovalDraft>) {
  const lines = reviewArgs(call.args, { maxLines: ARG_LINES });
  return (
    <Box flexDirection="column" width={columns}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text wrap="truncate-end" dimColor>
        annotations: {annotationText(question.annotations)}
      </Text>
      {draft.typing ? (
        <Text wrap="truncate-start">
          Reason for the model: {draft.reason}
          <Text inverse> </Text> <Text dimColor>(Enter to send)</Text>
        </Text>
      ) : (
        <KeyLegend items={approvalLegend(question)} ready={ready} columns={columns} />
      )}
    </Box>
  );
}
