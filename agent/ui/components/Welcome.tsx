import { Box } from 'ink';
import { useTheme } from '../contexts/ThemeContext.js';
import { Wrapped, WrappedText } from './Wrapped.js';

/** First lines of a session: what this is and how to start. */
export function Welcome({ demo, width }: { demo: boolean; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      <Wrapped runs={[{ text: 'Warden', bold: true, color: theme.accent }, { text: ' — chat with authenticated MCP tools. /help lists commands and keys.' }]} width={width} />
      {demo ? <WrappedText text="Demo: local identity provider and MCP server. Try: reverse alpha, beta and gamma" width={width} dim /> : null}
    </Box>
  );
}
