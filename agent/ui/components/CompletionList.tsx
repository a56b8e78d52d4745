import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import type { CompletionView } from '../completion/useCompletion.js';
import { useTheme } from '../contexts/ThemeContext.js';

/** Items shown at once; the window follows the highlight. */
export const COMPLETION_ROWS = 5;
/** Labels are padded to a column no wider than this. */
const LABEL_CHARS = 28;

/** The first item shown so that the highlighted one is in the window. */
function windowStart(count: number, selected: number): number {
  return Math.max(0, Math.min(selected - COMPLETION_ROWS + 1, count - COMPLETION_ROWS));
}

/** The completions under the input: label and description per row, the highlighted one marked; every row one line. */
export function CompletionList({ items, selected, width }: CompletionView & { width: number }) {
  const theme = useTheme();
  const start = windowStart(items.length, selected);
  const shown = items.slice(start, start + COMPLETION_ROWS);
  const labels = shown.map((item) => safeLine(item.label ?? item.value.trim(), LABEL_CHARS));
  const column = Math.min(LABEL_CHARS, Math.max(...labels.map((l) => l.length)));
  const hidden = items.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((item, i) => {
        const on = start + i === selected;
        return (
          <Text key={`${start + i}:${item.value}`} wrap="truncate-end">
            <Text color={on ? theme.accent : undefined} bold={on}>{`${on ? '›' : ' '} ${(labels[i] ?? '').padEnd(column)}`}</Text>
            {item.description ? <Text dimColor>{`  ${safeLine(item.description, 200)}`}</Text> : null}
          </Text>
        );
      })}
      {hidden > 0 ? <Text dimColor wrap="truncate-end">{`  ${hidden} more · ↑↓ choose · Tab complete · Esc hide`}</Text> : null}
    </Box>
  );
}

/** Rows the list takes (0 when it is not shown). */
export function completionRows(view: CompletionView | undefined): number {
  if (!view) return 0;
  return Math.min(COMPLETION_ROWS, view.items.length) + (view.items.length > COMPLETION_ROWS ? 1 : 0);
}
