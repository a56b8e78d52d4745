import { Box, Text } from 'ink';
import type { FormField } from '../../../core/elicitation-form.js';
import { safeLine } from '../../../../config/terminal-text.js';
import { useTheme } from '../../contexts/ThemeContext.js';
import { elicitationLegend, VISIBLE_FIELDS, windowStart, type ElicitationDraft } from '../../questions/elicitation-draft.js';
import type { QuestionPanelProps } from '../../questions/types.js';
import { KeyLegend } from './KeyLegend.js';

/** Characters of a choice's title or a field's label shown (they come from the server). */
const TITLE_CHARS = 60;

/** A field's value as shown: a choice by its title, several choices as boxes, text as typed. */
function FieldValue({ field, draft, focused }: { field: FormField; draft: ElicitationDraft; focused: boolean }) {
  const theme = useTheme();
  const choices = field.choices ?? [];
  if (field.kind === 'choice') {
    const index = choices.findIndex((c) => c.value === draft.values[field.name]);
    const choice = choices[index];
    const title = choice ? safeLine(choice.label, TITLE_CHARS) : '(none chosen)';
    return (
      <Text>
        {focused ? <Text color={theme.accent}>{'‹ '}</Text> : null}
        <Text bold={focused}>{title}</Text>
        {focused ? <Text color={theme.accent}>{' ›'}</Text> : null}
        <Text dimColor>{index >= 0 ? `  ${index + 1} of ${choices.length}` : `  ${choices.length} choices`}</Text>
      </Text>
    );
  }
  if (field.kind === 'choices') {
    const picked = new Set(draft.picked[field.name] ?? []);
    const at = draft.cursor[field.name] ?? 0;
    return (
      <Text>
        {choices.map((c, i) => (
          <Text key={c.value}>
            {i > 0 ? '  ' : ''}
            <Text inverse={focused && i === at}>{`${picked.has(c.value) ? '[x]' : '[ ]'} ${safeLine(c.label, TITLE_CHARS)}`}</Text>
          </Text>
        ))}
      </Text>
    );
  }
  const value = draft.values[field.name] ?? '';
  return (
    <Text>
      {safeLine(value, 200)}
      {focused && field.kind !== 'boolean' ? <Text inverse> </Text> : null}
      {field.kind === 'boolean' ? <Text dimColor> (yes/no)</Text> : null}
    </Text>
  );
}

/** A server's question in the asking call's pane: its text (the server's words, as text only), the fields with choice titles and the focused field's description, the keys. */
export function ElicitationQuestionPanel({ question, draft, ready, columns }: QuestionPanelProps<'elicitation', ElicitationDraft>) {
  const theme = useTheme();
  const head = (
    <Text wrap="truncate-end">
      <Text color={theme.warning}>{`server "${safeLine(question.server, 64)}" asks: `}</Text>
      {safeLine(question.message, 300)}
    </Text>
  );
  const legend = <KeyLegend items={elicitationLegend(question, draft)} ready={ready} columns={columns} />;
  if (question.mode === 'url') {
    return (
      <Box flexDirection="column" width={columns}>
        {head}
        <Text wrap="truncate-end">
          open: <Text color={theme.accent}>{safeLine(question.url, 300)}</Text>
        </Text>
        {legend}
      </Box>
    );
  }
  const start = windowStart(question.fields.length, draft.field);
  const shown = question.fields.slice(start, start + VISIBLE_FIELDS);
  const description = question.fields[draft.field]?.description;
  return (
    <Box flexDirection="column" width={columns}>
      {head}
      {shown.map((field, i) => {
        const focused = start + i === draft.field;
        return (
          <Box key={field.name} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={focused ? theme.accent : undefined}>{focused ? '› ' : '  '}</Text>
              <Text bold={focused}>{safeLine(field.label, TITLE_CHARS)}</Text>
              {field.required ? <Text color={theme.warning}>*</Text> : null}
              {': '}
              <FieldValue field={field} draft={draft} focused={focused} />
            </Text>
            {focused && description ? (
              <Text wrap="truncate-end" dimColor>
                {`    ${safeLine(description, 300)}`}
              </Text>
            ) : null}
          </Box>
        );
      })}
      {question.fields.length > VISIBLE_FIELDS ? <Text dimColor>{`  field ${draft.field + 1} of ${question.fields.length}`}</Text> : null}
      {draft.problem ? (
        <Text color={theme.error} wrap="truncate-end">
          {safeLine(draft.problem)}
        </Text>
      ) : null}
      {legend}
    </Box>
  );
}
