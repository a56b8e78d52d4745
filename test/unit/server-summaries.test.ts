import { describe, expect, it } from 'vitest';
import type { AuthState, ServerStatus } from '../../agent/core/engine-types.js';
import { authSummary } from '../../agent/core/host/summaries.js';

/** The one sign-in the status line and /login go by, when no server signs in: why not (issue 24 §2). */

const server = (name: string, auth: AuthState): ServerStatus => ({
  name,
  transport: 'http',
  target: `http://127.0.0.1/${name}`,
  connection: { state: 'connected', toolCount: 1 },
  auth,
});

describe('authSummary with no server signing in', () => {
  it('says --no-auth only when it was given, a server that signs in when asked, else that none uses a sign-in', () => {
    expect(authSummary([server('a', { state: 'disabled', why: 'none' }), server('b', { state: 'disabled', why: 'no-auth' })])).toEqual({ state: 'disabled', why: 'no-auth' });
    expect(authSummary([server('a', { state: 'disabled', why: 'none' }), server('b', { state: 'disabled', why: 'not-asked' })])).toEqual({ state: 'disabled', why: 'not-asked' });
    expect(authSummary([server('a', { state: 'disabled', why: 'none' })])).toEqual({ state: 'disabled', why: 'none' });
    expect(authSummary([])).toEqual({ state: 'disabled', why: 'none' });
  });

  it('a server that signs in is the summary', () => {
    expect(authSummary([server('a', { state: 'disabled', why: 'not-asked' }), server('b', { state: 'signed-out' })])).toEqual({ state: 'signed-out' });
  });
});
