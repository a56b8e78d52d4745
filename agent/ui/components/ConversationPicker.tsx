import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import type { ConversationSummary } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { formatAgo, formatBytes } from '../format.js';

export interface ConversationPickerProps {
  conversations: readonly ConversationSummary[];
  selected: number;
  now: number;
  /** Entries shown at once; the list scrolls with the selection. */
  visible: number;
}

/** The first entry shown so that the selection stays in view (kept near the middle). */
function windowStart(count: number, selected: number, visible: number): number {
  return Math.max(0, Math.min(selected - Math.floor(visible / 2), count - visible));
}

/** The saved conversations of this directory to resume: when, the first prompt, the size. Rendering only. */
export function ConversationPicker({ conversations, selected, now, visible }: ConversationPickerProps) {
  const theme = useTheme();
  const start = windowStart(conversations.length, selected, visible);
  const shown = conversations.slice(start, start + visible);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text bold wrap="truncate-end">
        Resume a conversation ({conversations.length} in this directory)
      </Text>
      {shown.map((c, i) => {
        const index = start + i;
        const focused = index === selected;
        return (
          <Box key={c.id}>
            <Box width={2} flexShrink={0}>
              <Text color={theme.accent}>{focused ? '›' : ' '}</Text>
            </Box>
            <Box width={13} flexShrink={0}>
              <Text dimColor={!focused}>{formatAgo(c.updatedAt, now)}</Text>
            </Box>
            <Box flexGrow={1} flexShrink={1}>
              <Text bold={focused} wrap="truncate-end">
                {safeLine(c.firstPrompt, 200)}
              </Text>
            </Box>
            <Box width={9} flexShrink={0} justifyContent="flex-end">
              <Text dimColor>{formatBytes(c.bytes)}</Text>
            </Box>
          </Box>
        );
      })}
      <Text dimColor wrap="truncate-end">
        ↑↓ choose · Enter resume · Esc cancel{conversations.length > visible ? ` · ${start + 1}–${start + shown.length} of ${conversations.length}` : ''}
      </Text>
    </Box>
  );
}

/** Rows the picker draws (border included): App sizes the live region with it. */
export function conversationPickerRows({ conversations, visible }: Pick<ConversationPickerProps, 'conversations' | 'visible'>): number {
  return 2 + 1 + Math.min(visible, conversations.length) + 1;
}
