import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { slashCommands } from '../slash-commands/index.js';
import { withProviders } from '../testing/render.js';
import { HelpView } from './HelpView.js';

afterEach(() => cleanup());

describe('HelpView', () => {
  it('lists every command with its description, then the keys', () => {
    const frame = render(withProviders(<HelpView commands={slashCommands} width={100} />)).lastFrame() ?? '';
    for (const command of slashCommands) expect(frame).toMatch(new RegExp(`/${command.name} +${command.description}`));
    expect(frame).toContain('Esc        cancel the focused tool call');
    expect(frame).toContain('Ctrl-C     cancel the turn; twice within 2 s exits');
    expect(frame).toContain('y a s n N  answer a tool approval');
  });
});
