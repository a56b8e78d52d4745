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
/** Lines of a multi-line input shown at once; the window follows the cursor. */
export const INPUT_LINES = 6;

/** The slice of `chars` to show so that the cursor (which may sit one past the end) stays visible. */
export function visibleWindow(length: number, cursor: number, room: number): { start: number; end: number } {
  const cells = Math.max(1, room);
  const start = Math.max(0, Math.min(cursor - cells + 1, length + 1 - cells));
  return { start, end: start + cells };
}

interface InputLine {
  chars: string[];
  /** The cursor's column on this line, when it is on it. */
  cursor?: number;
}

/** The text's lines, the cursor placed on its own. */
function splitLines(value: string, cursor: number): InputLine[] {
  const lines: InputLine[] = [{ chars: [] }];
  let index = 0;
  for (const char of Array.from(value)) {
    const line = lines[lines.length - 1] as InputLine;
    if (index === cursor) line.cursor = line.chars.length;
    if (char === '\n') lines.push({ chars: [] });
    else line.chars.push(char);
    index++;
  }
  if (index === cursor) {
    const last = lines[lines.length - 1] as InputLine;
    last.cursor = last.chars.length;
  }
  return lines;
}

/** Rows the box takes: its border and the lines shown. */
export function inputBoxRows(value: string): number {
  return 2 + Math.min(INPUT_LINES, value.split('\n').length);
}

function LineView({ line, room }: { line: InputLine; room: number }) {
  if (line.cursor === undefined) return <Text wrap="truncate-end">{line.chars.slice(0, room).join('') || ' '}</Text>;
  const { start, end } = visibleWindow(line.chars.length, line.cursor, room);
  return (
    <Text wrap="truncate-end">
      {line.chars.slice(start, line.cursor).join('')}
      <Text inverse>{line.chars[line.cursor] ?? ' '}</Text>
      {line.chars.slice(line.cursor + 1, end).join('')}
    </Text>
  );
}

/** The input with a block cursor; a text of several lines shows up to INPUT_LINES of them around the cursor. */
export function InputBox({ value, cursor, width, placeholder = 'Type a message, or /help' }: InputBoxProps) {
  const theme = useTheme();
  const lines = splitLines(value, cursor);
  const at = Math.max(
    0,
    lines.findIndex((l) => l.cursor !== undefined),
  );
  const first = Math.max(0, Math.min(at - INPUT_LINES + 1, lines.length - INPUT_LINES));
  const shown = lines.slice(first, first + INPUT_LINES);
  const room = width - CHROME;
  return (
    <Box borderStyle="round" borderColor={theme.border} paddingX={1} width={width}>
      <Box flexDirection="column" width={2} flexShrink={0}>
        {shown.map((_, i) => (
          <Text key={i} color={theme.user} bold>
            {first + i === 0 ? '›' : ' '}
          </Text>
        ))}
      </Box>
      {value === '' ? (
        <Text wrap="truncate-end">
          <Text inverse> </Text>
          <Text dimColor>{placeholder}</Text>
        </Text>
      ) : (
        <Box flexDirection="column">
          {shown.map((line, i) => (
            <LineView key={first + i} line={line} room={room} />
          ))}
        </Box>
      )}
    </Box>
  );
}
