import { Box, Text } from 'ink';
import type { SessionStatus } from '../../core/engine-types.js';
import { statusItems } from './statusItems.js';
import { WrappedText } from './Wrapped.js';

const LABELS = { server: 'Server', auth: 'Sign-in', usage: 'Usage', model: 'Model' } as const;

/** /status: the status bar's facts, spelled out one per line. */
export function StatusView({ status, now, width }: { status: SessionStatus; now: number; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {statusItems(status, now).map((item) => (
        <Box key={item.id}>
          <Box width={9} flexShrink={0}>
            <Text bold>{LABELS[item.id]}</Text>
          </Box>
          <WrappedText text={item.text} width={Math.max(1, width - 9)} />
        </Box>
      ))}
    </Box>
  );
}
