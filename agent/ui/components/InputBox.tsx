import { Box, Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';

export interface InputBoxProps {
  value: string;
  /** Code-point index of the cursor. */
  cursor: number;
  /** Terminal columns; long lines scroll sideways to keep the cursor in view. */
  width: number;
  placeholder?: string;
}

/** Border (2), padding (2) and the prompt (2). */
const CHROME = 6;

/** The slice of `chars` to show so that the cursor (which may sit one past the end) stays visible. */
export function visibleWindow(length: number, cursor: number, room: number): { start: number; end: number } {
  const cells = Math.max(1, room);
  const start = Math.max(0, Math.min(cursor - cells + 1, length + 1 - cells));
  return { start, end: start + cells };
}

/** The single-line input with a block cursor. */
export function InputBox({ value, cursor, width, placeholder = 'Type a message, or /help' }: InputBoxProps) {
  const theme = useTheme();
  const chars = Array.from(value);
  const { start, end } = visibleWindow(chars.length, cursor, width - CHROME);
  const before = chars.slice(start, cursor).join('');
  const under = chars[cursor] ?? ' ';
  const after = chars.slice(cursor + 1, end).join('');
  return (
    <Box borderStyle="round" borderColor={theme.border} paddingX={1} width={width}>
      <Text color={theme.user} bold>
        ›{' '}
      </Text>
      {value === '' ? (
        <Text>
          <Text inverse> </Text>
          <Text dimColor>{placeholder}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">
          {before}
          <Text inverse>{under}</Text>
          {after}
        </Text>
      )}
    </Box>
  );
}
