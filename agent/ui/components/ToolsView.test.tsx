import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { ToolsView } from './ToolsView.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

describe('ToolsView', () => {
  it('shows each tool with its description indented below', () => {
    const frame = render(
      withProviders(
        <ToolsView
          width={100}
          tools={[
            { name: 'reverse', description: 'Reverses text.' },
            { name: 'get_alerts', description: '' },
          ]}
        />,
      ),
    ).lastFrame();
    expect(frame?.split('\n').map((l) => l.trimEnd())).toEqual(['2 tools on the server', 'reverse', '  Reverses text.', 'get_alerts']);
  });

  it('counts what the model is offered (as /mcp and the status bar do) and says how many more are withheld', () => {
    const frame = render(
      withProviders(
        <ToolsView
          width={100}
          tools={[
            { name: 'echo', description: '' },
            { name: 'simulate-research-query', description: '', withheld: 'runs only as a task' },
          ]}
        />,
      ),
    ).lastFrame();
    expect(frame?.split('\n')[0]).toBe('1 tool on the server, 1 more not offered to the model');
  });

  it('shows a hostile name and description without controls, the description indented and capped', () => {
    const description = `${dirty('Reverses.')}\n${FORGED_LINE}\n${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}`;
    const frame = render(withProviders(<ToolsView width={100} tools={[{ name: dirty('evil'), description }]} />)).lastFrame() ?? '';
    expect(frame).not.toMatch(TERMINAL_CONTROL);
    const lines = frame.split('\n').map((l) => l.trimEnd());
    expect(lines.slice(0, 4)).toEqual(['1 tool on the server', 'evil', '  Reverses.', `  ${FORGED_LINE}`]);
    // Every description line stays under the tool, and a long one ends with a note.
    expect(lines.slice(2).every((l) => l.startsWith('  '))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ {2}… \(\d+ more lines not shown\)$/);
  });

  it('marks a tool the model is not offered with the reason, and pages say how to go on', () => {
    const frame = render(
      withProviders(
        <ToolsView
          width={100}
          tools={[
            { name: 'echo', description: '', server: 'everything' },
            { name: 'simulate-research-query', description: '', server: 'everything', withheld: 'runs only as a task' },
          ]}
          page={{ number: 1, pages: 3, total: 90, withheld: 1 }}
        />,
      ),
    ).lastFrame();
    expect(frame?.split('\n').map((l) => l.trimEnd())).toEqual([
      '89 tools on the servers, 1 more not offered to the model (page 1 of 3)',
      'everything › echo',
      'everything › simulate-research-query — not offered to the model: runs only as a task',
      '/tools 2 for the next page',
    ]);
  });
});
