import { describe, expect, it } from 'vitest';
import { causeChain, errorMessage, firstLine, rootCause } from '../../config/error-text.js';

describe('error text (one owner for what an error says)', () => {
  it('errorMessage: an Error’s message, or anything else as a string', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });

  it('firstLine: the first line with text, trimmed, CRLF or LF, capped with …', () => {
    expect(firstLine('\n  \r\n  first \r\nsecond')).toBe('first');
    expect(firstLine('one line')).toBe('one line');
    expect(firstLine('')).toBe('');
    expect(firstLine('abcdefghij', 5)).toBe('abcd…');
    expect(firstLine('abcde', 5)).toBe('abcde');
  });

  it('causeChain: outermost first, through cause and AggregateError, and never loops', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([socket], 'all attempts failed');
    const fetchFailed = new TypeError('fetch failed', { cause: aggregate });
    expect(causeChain(fetchFailed)).toEqual([fetchFailed, aggregate, socket]);
    const loop = new Error('a');
    (loop as { cause?: unknown }).cause = loop;
    expect(causeChain(loop)).toHaveLength(6);
  });

  it('rootCause: the first code along the chain, else the innermost message’s first line', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(rootCause(new TypeError('fetch failed', { cause: tls }))).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(rootCause(new TypeError('terminated', { cause: new Error('other side closed\nat socket') }))).toBe('other side closed');
    expect(rootCause(new Error('HTTP 500'))).toBe('HTTP 500');
    expect(rootCause('just text')).toBe('just text');
    expect(rootCause(new Error(''))).toBe('unknown error');
  });
});
