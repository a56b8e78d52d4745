import { Box, Text } from 'ink';
import type { SessionStatus } from '../../core/engine-types.js';
import { statusItems } from './statusItems.js';

const LABELS = { server: 'Server', auth: 'Sign-in', model: 'Model' } as const;

/** /status: the status bar's facts, spelled out one per line. */
export function StatusView({ status, now }: { status: SessionStatus; now: number }) {
  return (
    <Box flexDirection="column">
      {statusItems(status, now).map((item) => (
        <Box key={item.id}>
          <Box width={9} flexShrink={0}>
            <Text bold>{LABELS[item.id]}</Text>
          </Box>
          <Text>{item.text}</Text>
        </Box>
      ))}
    </Box>
  );
}
