import { Box, Text } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';

/** First lines of a session: what this is and how to start. */
export function Welcome({ demo }: { demo: boolean }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color={theme.accent}>
          Warden
        </Text>{' '}
        — chat with authenticated MCP tools. /help lists commands and keys.
      </Text>
      {demo ? <Text dimColor>Demo: local identity provider and MCP server. Try: reverse alpha, beta and gamma</Text> : null}
    </Box>
  );
}
