import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Spinner } from './Spinner.js';

afterEach(() => cleanup());

describe('Spinner', () => {
  it('takes its frame from the time it is given', () => {
    expect(render(<Spinner now={0} />).lastFrame()).toBe('⠋');
    expect(render(<Spinner now={150} />).lastFrame()).toBe('⠙');
    expect(render(<Spinner now={1000} />).lastFrame()).toBe('⠋');
  });
});
