import { Box } from 'ink';
import { stripControls } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { parseMarkdown, type Inline } from '../markdown.js';
import type { Theme } from '../theme.js';
import { type Run, Wrapped, WrappedText } from './Wrapped.js';

const runs = (inlines: readonly Inline[], theme: Theme, extra: Partial<Run> = {}): Run[] =>
  inlines.map((part) => ({ ...extra, text: part.text, ...(part.bold && { bold: true }), ...(part.code && { color: theme.code }) }));

/**
 * Chat markdown: headings, bullet and numbered lists, fenced code, **bold**, `code`, wrapped to
 * `width` (list items hang under their text, code keeps its indentation). The model may copy a
 * server's text into its answer, so controls are stripped first (newlines kept).
 */
export function Markdown({ text, width }: { text: string; width: number }) {
  const theme = useTheme();
  const blocks = parseMarkdown(stripControls(text, { keepNewlines: true }));
  return (
    <Box flexDirection="column" width={width}>
      {blocks.map((block, i) => {
        switch (block.type) {
          case 'blank':
            return <WrappedText key={i} text=" " width={width} />;
          case 'heading':
            return <Wrapped key={i} runs={runs(block.inlines, theme, { bold: true, underline: true })} width={width} />;
          case 'item': {
            const indent = block.depth * 2;
            const marker = block.marker.length + 1;
            return (
              <Box key={i} paddingLeft={indent} width={width}>
                <Box flexShrink={0} width={marker}>
                  <WrappedText text={block.marker} width={marker} color={theme.accent} />
                </Box>
                <Wrapped runs={runs(block.inlines, theme)} width={Math.max(1, width - indent - marker)} />
              </Box>
            );
          }
          case 'code':
            return (
              <Box
                key={i}
                flexDirection="column"
                borderStyle="single"
                borderColor={theme.border}
                borderTop={false}
                borderBottom={false}
                borderRight={false}
                paddingLeft={1}
                width={width}
              >
                <WrappedText
                  text={block.lines.length === 0 ? ' ' : block.lines.map((line) => (line === '' ? ' ' : line)).join('\n')}
                  width={Math.max(1, width - 2)}
                  color={theme.code}
                />
              </Box>
            );
          case 'text':
            return <Wrapped key={i} runs={runs(block.inlines, theme)} width={width} />;
        }
      })}
    </Box>
  );
}
