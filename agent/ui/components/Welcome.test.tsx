import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { Welcome } from './Welcome.js';

afterEach(() => cleanup());

describe('Welcome', () => {
  it('says what this is, and in the demo what to try', () => {
    expect(render(withProviders(<Welcome demo={false} width={100} />)).lastFrame()).toBe('Warden — chat with authenticated MCP tools. /help lists commands and keys.');
    expect(render(withProviders(<Welcome demo width={100} />)).lastFrame()).toContain('Try: reverse alpha, beta and gamma');
  });
});
