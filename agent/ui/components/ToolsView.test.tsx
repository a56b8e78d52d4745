import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { ToolsView } from './ToolsView.js';

afterEach(() => cleanup());

describe('ToolsView', () => {
  it('shows each tool with its description indented below', () => {
    const frame = render(
      withProviders(<ToolsView tools={[{ name: 'reverse', description: 'Reverses text.' }, { name: 'get_alerts', description: '' }]} />),
    ).lastFrame();
    expect(frame?.split('\n').map((l) => l.trimEnd())).toEqual(['2 tools on the server', 'reverse', '  Reverses text.', 'get_alerts']);
  });
});
