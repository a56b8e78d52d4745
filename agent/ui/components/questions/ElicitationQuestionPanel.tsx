import { Box, Text } from 'ink';
import { safeLine } from '../../../../config/terminal-text.js';
import { useTheme } from '../../contexts/ThemeContext.js';
import { VISIBLE_FIELDS, windowStart, type ElicitationDraft } from '../../questions/elicitation-draft.js';
import type { QuestionPanelProps } from '../../questions/types.js';

/** A server's question in the asking call's pane: its text (the server's words, as text only), the fields, the keys. */
export function ElicitationQuestionPanel({ question, draft }: QuestionPanelProps<'elicitation', ElicitationDraft>) {
  const theme = useTheme();
  const head = (
    <Text wrap="truncate-end">
      <Text color={theme.warning}>{`server "${safeLine(question.server, 64)}" asks: `}</Text>
      {safeLine(question.message, 300)}
    </Text>
  );
  if (question.mode === 'url') {
    return (
      <Box flexDirection="column">
        {head}
        <Text wrap="truncate-end">
          open: <Text color={theme.accent}>{safeLine(question.url, 300)}</Text>
        </Text>
        <Text wrap="truncate-end" dimColor>
          <Text bold>Enter</Text> done · <Text bold>Ctrl-D</Text> decline · <Text bold>Esc</Text> cancel
        </Text>
      </Box>
    );
  }
  const start = windowStart(question.fields.length, draft.field);
  const shown = question.fields.slice(start, start + VISIBLE_FIELDS);
  return (
    <Box flexDirection="column">
      {head}
      {shown.map((field, i) => {
        const focused = start + i === draft.field;
        const value = draft.values[field.name] ?? '';
        const hint =
          field.kind === 'choice'
            ? ` (${field.choices?.map((c) => safeLine(c.value, 40)).join(' | ')})`
            : field.kind === 'boolean'
              ? ' (yes/no)'
              : field.kind === 'choices'
                ? ` (some of ${field.choices?.map((c) => safeLine(c.value, 40)).join(', ')})`
                : '';
        return (
          <Text key={field.name} wrap="truncate-end">
            <Text color={focused ? theme.accent : undefined}>{focused ? '› ' : '  '}</Text>
            <Text bold={focused}>{safeLine(field.label, 60)}</Text>
            {field.required ? <Text color={theme.warning}>*</Text> : null}
            {': '}
            {safeLine(value, 200)}
            {focused ? <Text inverse> </Text> : null}
            <Text dimColor>{hint}</Text>
          </Text>
        );
      })}
      {question.fields.length > VISIBLE_FIELDS ? <Text dimColor>{`  field ${draft.field + 1} of ${question.fields.length}`}</Text> : null}
      {draft.problem ? (
        <Text color={theme.error} wrap="truncate-end">
          {safeLine(draft.problem)}
        </Text>
      ) : null}
      <Text wrap="truncate-end" dimColor>
        <Text bold>Enter</Text> send · <Text bold>↑↓</Text> field · <Text bold>←→</Text> choice · <Text bold>Ctrl-D</Text> decline · <Text bold>Esc</Text> cancel
      </Text>
    </Box>
  );
}
