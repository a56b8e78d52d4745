import { Box, Text } from 'ink';
import type { SessionStatus } from '../../core/engine-types.js';
import type { QuestionKind } from '../../core/tool-calls/questions.js';
import { useTheme } from '../contexts/ThemeContext.js';
import type { Theme } from '../theme.js';
import { fitStatusItems, keyHints, STATUS_GAP, statusItems, type KeyMode, type Tone } from './statusItems.js';

export interface StatusBarProps {
  status: SessionStatus;
  now: number;
  mode: KeyMode;
  canOpenBrowser: boolean;
  /** A first Ctrl-C was pressed: say that a second one exits. */
  exitArmed: boolean;
  /** The kind of the open call question, for what Esc answers. */
  question?: QuestionKind;
  /** The terminal's width: the items are fitted to one row of it. */
  columns: number;
}

const toneColour = (tone: Tone, theme: Theme): string | undefined => ({ ok: theme.success, warn: theme.warning, error: theme.error, plain: undefined })[tone];

/** Bottom bar, always two rows: server and connection, sign-in, model (short forms on narrow terminals); then the keys that work now. */
export function StatusBar({ status, now, mode, canOpenBrowser, exitArmed, question, columns }: StatusBarProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={columns}>
      <Box columnGap={STATUS_GAP} width={columns} overflow="hidden">
        {fitStatusItems(statusItems(status, now), columns).map((item) => (
          <Text key={item.id} color={toneColour(item.tone, theme)} wrap="truncate-end">
            {item.text}
          </Text>
        ))}
      </Box>
      {exitArmed ? (
        <Text color={theme.warning} bold wrap="truncate-end">
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
