import { Box, Text } from 'ink';
import { useTheme } from '../../contexts/ThemeContext.js';
import { LEGEND_GAP, legendRows, NOT_READY, type LegendItem } from '../../questions/legend.js';

/** A question's keys, wrapping whole items to the width; while keys do not answer yet, a dimmed notice in the same rows. */
export function KeyLegend({ items, ready, columns }: { items: readonly LegendItem[]; ready: boolean; columns: number }) {
  const theme = useTheme();
  if (!ready) {
    return (
      <Box height={legendRows(items, columns)} width={columns}>
        <Text wrap="truncate-end" dimColor>
          {NOT_READY}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexWrap="wrap" columnGap={LEGEND_GAP} width={columns}>
      {items.map(([key, words]) => (
        <Text key={key} color={theme.warning} wrap="truncate-end">
          <Text bold>{key}</Text> {words}
        </Text>
      ))}
    </Box>
  );
}
