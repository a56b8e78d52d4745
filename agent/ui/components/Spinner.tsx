import { Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;

/** A spinner whose frame comes from the time it is given, so it needs no timer of its own. */
export function Spinner({ now }: { now: number }) {
  const theme = useTheme();
  return <Text color={theme.accent}>{FRAMES[Math.floor(now / FRAME_MS) % FRAMES.length]}</Text>;
}
