import { Box, Static, Text } from 'ink';
import { useMemo } from 'react';
import { stripControls } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { wrappedRows } from '../text-rows.js';
import type { TranscriptItem } from '../transcript.js';
import { Markdown } from './Markdown.js';
import { TranscriptItemView } from './TranscriptItemView.js';

export interface TranscriptProps {
  items: readonly TranscriptItem[];
  /** Changes when everything must be printed anew (after /clear, after a resize): <Static> starts over. */
  generation: string;
  /** The reply's tail that is still streaming. */
  liveText: string;
  /** Whether `liveText` continues a reply whose first paragraphs are already printed. */
  liveContinues: boolean;
  /** Rows the live tail may use (0: it waits off screen) and the terminal width, so the live region never outgrows the screen. */
  maxLiveRows: number;
  columns: number;
}

/** The end of one line that fits in `rows` rows: whole words where it has any. */
function lineTail(line: string, rows: number, columns: number): string {
  let piece = line.slice(-rows * columns);
  const space = piece.indexOf(' ');
  if (piece.length < line.length && space > 0) piece = piece.slice(space + 1);
  while (piece !== '' && wrappedRows(piece, columns) > rows) {
    const next = piece.indexOf(' ');
    piece = next > 0 ? piece.slice(next + 1) : piece.slice(Math.max(1, columns));
  }
  return piece;
}

/** The last lines of `text` that fit in `rows` rows of `columns` cells, wrapped as Ink wraps; a line too long to fit whole keeps its end. */
export function tail(text: string, rows: number, columns: number): { text: string; cut: boolean } {
  const lines = text.split('\n');
  let used = 0;
  let first = lines.length;
  while (first > 0) {
    const cost = wrappedRows(lines[first - 1] ?? '', columns);
    if (used + cost > rows) break;
    used += cost;
    first--;
  }
  if (first > 0 && used < rows) {
    // The line that does not fit whole still shows its end: a long paragraph as it streams.
    const kept = [lineTail(lines[first - 1] ?? '', rows - used, columns), ...lines.slice(first)];
    return { text: kept.join('\n'), cut: true };
  }
  return { text: lines.slice(first).join('\n'), cut: first > 0 };
}

/**
 * Finished entries go through Ink's <Static>: printed once, never redrawn, so long chats stay
 * fast. Only the streaming tail of the current reply is redrawn.
 */
export function Transcript({ items, generation, liveText, liveContinues, maxLiveRows, columns }: TranscriptProps) {
  const theme = useTheme();
  // Stripped before measuring: a CR is a line break on screen, an escape sequence takes no cells.
  const live = tail(stripControls(liveText, { keepNewlines: true }), Math.max(1, maxLiveRows - 1), columns - 2);
  // <Static> wants a mutable array; copy only when the items change, not on every frame.
  const printable = useMemo(() => [...items], [items]);
  return (
    <>
      <Static key={generation} items={printable}>
        {(item, index) => <TranscriptItemView key={item.id} item={item} previous={items[index - 1]} columns={columns} />}
      </Static>
      {liveText.trim() !== '' && maxLiveRows > 0 ? (
        <Box marginTop={1} width={columns}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.accent}>{liveContinues ? ' ' : '◆'}</Text>
          </Box>
          <Box flexDirection="column" width={columns - 2}>
            {live.cut ? <Text dimColor>…</Text> : null}
            <Markdown text={live.text} width={columns - 2} />
          </Box>
        </Box>
      ) : null}
    </>
  );
}
