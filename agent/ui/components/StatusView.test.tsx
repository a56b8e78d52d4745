import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { baseStatus } from '../testing/fake-engine.js';
import { withProviders } from '../testing/render.js';
import { StatusView } from './StatusView.js';

afterEach(() => cleanup());

describe('StatusView', () => {
  it('spells out server, sign-in and model one per line', () => {
    const frame = render(withProviders(<StatusView status={{ ...baseStatus, auth: { state: 'disabled' } }} now={1_000_000} width={100} />)).lastFrame();
    expect(frame?.split('\n').map((l) => l.trimEnd())).toEqual([
      'Server   ● http://127.0.0.1:8000/mcp connected · 3 tools',
      'Sign-in  no auth',
      'Model    demo model — set ANTHROPIC_API_KEY for Claude',
    ]);
  });
});
