import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { TurnIndicator } from './TurnIndicator.js';

afterEach(() => cleanup());

describe('TurnIndicator', () => {
  it('says whether the model is thinking or waiting for tools', () => {
    expect(render(withProviders(<TurnIndicator now={0} runningCalls={0} />)).lastFrame()).toBe('⠋ Thinking…');
    expect(render(withProviders(<TurnIndicator now={100} runningCalls={2} />)).lastFrame()).toBe('⠙ Waiting for tools…');
  });
});
