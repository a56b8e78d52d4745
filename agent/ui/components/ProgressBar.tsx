import { Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';

export const BAR_CELLS = 20;

/** `2/5` — progress values may be fractional; keep them short. */
const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function percent(progress: number, total: number): number {
  return Math.max(0, Math.min(100, Math.floor((progress / total) * 100)));
}

/** A fixed-width bar plus `progress/total` and percent: `████████░░░░░░░░░░░░ 2/5 40%`. */
export function ProgressBar({ progress, total, cells = BAR_CELLS }: { progress: number; total: number; cells?: number }) {
  const theme = useTheme();
  const filled = Math.round((percent(progress, total) / 100) * cells);
  return (
    <Text>
      <Text color={theme.accent}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(cells - filled)}</Text>
      {` ${num(progress)}/${num(total)} ${String(percent(progress, total)).padStart(3)}%`}
    </Text>
  );
}

/** What a call without a known total shows instead of a bar: how far it got. */
export function progressCount(progress: number | undefined): string {
  return progress === undefined ? 'starting…' : `${num(progress)} so far`;
}
