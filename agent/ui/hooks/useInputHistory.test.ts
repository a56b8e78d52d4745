import { describe, expect, it } from 'vitest';
import { createInputHistory } from './useInputHistory.js';

describe('input history', () => {
  it('walks back and forth and restores the draft', () => {
    const history = createInputHistory();
    history.push('one');
    history.push('two');
    history.push('two');
    expect(history.previous('dra')).toBe('two');
    expect(history.previous('ignored')).toBe('one');
    expect(history.previous('ignored')).toBeUndefined();
    expect(history.next()).toBe('two');
    expect(history.next()).toBe('dra');
    expect(history.next()).toBeUndefined();
  });

  it('starts over from the newest after a push', () => {
    const history = createInputHistory();
    history.push('a');
    history.push('b');
    history.previous('');
    history.previous('');
    history.push('c');
    expect(history.previous('')).toBe('c');
  });

  it('has nothing to show when empty', () => {
    const history = createInputHistory();
    expect(history.previous('x')).toBeUndefined();
    expect(history.next()).toBeUndefined();
  });
});
