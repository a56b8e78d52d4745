import { Box, Text } from 'ink';
import type { SessionStatus } from '../../core/engine-types.js';
import type { QuestionKind } from '../../core/tool-calls/questions.js';
import { useTheme } from '../contexts/ThemeContext.js';
import type { Theme } from '../theme.js';
import { keyHints, statusItems, type KeyMode, type Tone } from './statusItems.js';

export interface StatusBarProps {
  status: SessionStatus;
  now: number;
  mode: KeyMode;
  canOpenBrowser: boolean;
  /** A first Ctrl-C was pressed: say that a second one exits. */
  exitArmed: boolean;
  /** The kind of the open call question, for what Esc answers. */
  question?: QuestionKind;
}

const toneColour = (tone: Tone, theme: Theme): string | undefined => ({ ok: theme.success, warn: theme.warning, error: theme.error, plain: undefined })[tone];

/** Bottom bar: server and connection, sign-in, model; then the keys that work now. Items wrap on narrow terminals. */
export function StatusBar({ status, now, mode, canOpenBrowser, exitArmed, question }: StatusBarProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Box flexWrap="wrap" columnGap={3}>
        {statusItems(status, now).map((item) => (
          <Text key={item.id} color={toneColour(item.tone, theme)} wrap="truncate-end">
            {item.text}
          </Text>
        ))}
      </Box>
      {exitArmed ? (
        <Text color={theme.warning} bold>
          Press Ctrl-C again to exit
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {keyHints(mode, { canOpenBrowser, ...(question && { question }) })}
        </Text>
      )}
    </Box>
  );
}
