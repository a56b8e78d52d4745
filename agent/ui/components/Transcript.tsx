import { Box, Static, Text } from 'ink';
import { useMemo } from 'react';
import { stripControls } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
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
  /** Rows the live tail may use and the terminal width, so the live region never outgrows the screen. */
  maxLiveRows: number;
  columns: number;
}

/** The last lines of `text` that fit in `rows` rows of `columns` cells (estimated by wrapping at width). */
export function tail(text: string, rows: number, columns: number): { text: string; cut: boolean } {
  const lines = text.split('\n');
  let used = 0;
  let first = lines.length;
  while (first > 0) {
    const cost = Math.max(1, Math.ceil((lines[first - 1] ?? '').length / Math.max(1, columns)));
    if (used + cost > rows) break;
    used += cost;
    first--;
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
        {(item, index) => <TranscriptItemView key={item.id} item={item} previous={items[index - 1]} />}
      </Static>
      {liveText.trim() !== '' ? (
        <Box marginTop={1}>
          <Box width={2} flexShrink={0}>
            <Text color={theme.accent}>{liveContinues ? ' ' : '◆'}</Text>
          </Box>
          <Box flexDirection="column">
            {live.cut ? <Text dimColor>…</Text> : null}
            <Markdown text={live.text} />
          </Box>
        </Box>
      ) : null}
    </>
  );
}
