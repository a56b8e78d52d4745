import { Box, Text } from 'ink';
import { wrapRanges } from '../text-rows.js';

/**
 * Text wrapped to a known width before Ink sees it, one <Text> per row: no row starts with the
 * space a line break left behind, and each row's height is exactly one. Styled runs (bold, code,
 * a colour) keep their style across the breaks.
 *
 * Not responsible for sanitising (callers pass terminal-safe text) nor for markdown (Markdown.tsx).
 */

export interface Run {
  text: string;
  bold?: boolean;
  dim?: boolean;
  underline?: boolean;
  color?: string | undefined;
}

/** The runs' text between two code-point offsets of their concatenation. */
function slice(runs: readonly Run[], start: number, end: number): Run[] {
  const out: Run[] = [];
  let at = 0;
  for (const run of runs) {
    const chars = Array.from(run.text);
    const from = Math.max(start, at);
    const to = Math.min(end, at + chars.length);
    if (from < to) out.push({ ...run, text: chars.slice(from - at, to - at).join('') });
    at += chars.length;
  }
  return out;
}

function RunText({ run }: { run: Run }) {
  return (
    <Text bold={run.bold ?? false} dimColor={run.dim ?? false} underline={run.underline ?? false} {...(run.color !== undefined && { color: run.color })}>
      {run.text}
    </Text>
  );
}

/** `runs` (one line of text in pieces) wrapped to `width`; `style` applies to the whole. */
export function Wrapped({ runs, width, color, dim }: { runs: readonly Run[]; width: number; color?: string | undefined; dim?: boolean }) {
  const line = runs.map((r) => r.text).join('');
  const rows = wrapRanges(line, width);
  return (
    <Box flexDirection="column" width={width}>
      {rows.map(([start, end], i) => (
        <Text key={i} wrap="truncate-end" dimColor={dim ?? false} {...(color !== undefined && { color })}>
          {start === end ? ' ' : slice(runs, start, end).map((run, j) => <RunText key={j} run={run} />)}
        </Text>
      ))}
    </Box>
  );
}

/** Plain text of any number of lines, each wrapped to `width`. */
export function WrappedText({ text, width, color, dim }: { text: string; width: number; color?: string | undefined; dim?: boolean }) {
  return (
    <Box flexDirection="column" width={width}>
      {text.split('\n').map((line, i) => (
        <Wrapped key={i} runs={[{ text: line }]} width={width} color={color} {...(dim !== undefined && { dim })} />
      ))}
    </Box>
  );
}
