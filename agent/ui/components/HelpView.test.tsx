import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';
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

  it('lists the servers’ MCP prompts, usage then description, with a hostile server’s words made one safe line each', () => {
    const frame =
      render(
        withProviders(
          <HelpView
            commands={slashCommands}
            prompts={[
              { usage: '/everything:args-prompt CITY [STATE]', description: 'Arguments Prompt: two arguments' },
              { usage: dirty('/evil:p'), description: `${dirty('Looks fine.')}\n${FORGED_LINE}` },
            ]}
            width={80}
          />,
        ),
      ).lastFrame() ?? '';
    expect(frame).not.toMatch(TERMINAL_CONTROL);
    expect(frame).toMatch(
      /MCP prompts \(Tab completes their arguments\)\n\/everything:args-prompt CITY \[STATE\]\n {2}Arguments Prompt: two arguments\n\/evil:p\n {2}Looks fine\. \[reverse#1\]/,
    );
    expect(frame.indexOf('MCP prompts')).toBeLessThan(frame.indexOf('Keys'));
    // No prompts: no heading.
    expect(render(withProviders(<HelpView commands={slashCommands} prompts={[]} width={80} />)).lastFrame()).not.toContain('MCP prompts (');
  });
});
