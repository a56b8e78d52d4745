import { Box, Text } from 'ink';
import { safeBlock } from '../../../config/terminal-text.js';
import { compactionLine } from '../../core/context/compaction-line.js';
import type { Compaction } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';

/** Lines of the summary shown under the line that says what happened (the model has all of it). */
const SUMMARY_LINES = 6;

/** A compaction in the transcript: who compacted and how much, then the start of the summary. */
export function CompactionView({ compaction }: { compaction: Compaction }) {
  const theme = useTheme();
  const summarized = compaction.how === 'server-summary' || compaction.how === 'local-summary';
  // The summary is the model's (or the API's) text: shown tamed, and only its start.
  const lines = safeBlock(compaction.summary)
    .split('\n')
    .filter((l) => l.trim() !== '');
  const shown = lines.slice(0, SUMMARY_LINES);
  return (
    <Box flexDirection="column">
      <Text color={theme.accent}>⇣ {compactionLine(compaction)}</Text>
      {summarized
        ? shown.map((line, i) => (
            <Text key={i} dimColor wrap="truncate-end">
              {'  '}
              {line}
            </Text>
          ))
        : null}
      {summarized && lines.length > shown.length ? <Text dimColor>{`  … ${lines.length - shown.length} more lines of summary`}</Text> : null}
    </Box>
  );
}
