import { Box, Text } from 'ink';
import { stripControls } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { parseMarkdown, type Inline } from '../markdown.js';

function Inlines({ inlines }: { inlines: Inline[] }) {
  const theme = useTheme();
  return (
    <Text>
      {inlines.map((part, i) =>
        part.code ? (
          <Text key={i} color={theme.code}>
            {part.text}
          </Text>
        ) : (
          <Text key={i} bold={part.bold}>
            {part.text}
          </Text>
        ),
      )}
    </Text>
  );
}

/**
 * Chat markdown: headings, bullet and numbered lists, fenced code, **bold**, `code`. The model may
 * copy a server's text into its answer, so controls are stripped first (newlines kept).
 */
export function Markdown({ text }: { text: string }) {
  const theme = useTheme();
  const blocks = parseMarkdown(stripControls(text, { keepNewlines: true }));
  return (
    <Box flexDirection="column">
      {blocks.map((block, i) => {
        switch (block.type) {
          case 'blank':
            return <Text key={i}> </Text>;
          case 'heading':
            return (
              <Text key={i} bold underline>
                <Inlines inlines={block.inlines} />
              </Text>
            );
          case 'item':
            return (
              <Box key={i} paddingLeft={block.depth * 2}>
                <Box flexShrink={0} width={block.marker.length + 1}>
                  <Text color={theme.accent}>{block.marker}</Text>
                </Box>
                <Inlines inlines={block.inlines} />
              </Box>
            );
          case 'code':
            return (
              <Box key={i} flexDirection="column" borderStyle="single" borderColor={theme.border} borderTop={false} borderBottom={false} borderRight={false} paddingLeft={1}>
                {block.lines.length === 0 ? (
                  <Text> </Text>
                ) : (
                  block.lines.map((line, j) => (
                    <Text key={j} color={theme.code}>
                      {line === '' ? ' ' : line}
                    </Text>
                  ))
                )}
              </Box>
            );
          case 'text':
            return <Inlines key={i} inlines={block.inlines} />;
        }
      })}
    </Box>
  );
}
