import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackRedirect, type LoopbackRedirect } from '../../auth/oauth/loopback-redirect.js';
import { TERMINAL_CONTROL } from '../helpers/hostile-text.js';

/** The browser sign-in's loopback redirect: only the answer to our request (its state) counts, and the browser is told. */
describe('loopback redirect', () => {
  let loopback: LoopbackRedirect | undefined;
  afterEach(async () => {
    await loopback?.close();
  });

  it('listens on 127.0.0.1 at a free port and takes the code and iss of the matching state', async () => {
    loopback = await startLoopbackRedirect();
    expect(loopback.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const answer = loopback.response('s1', { timeoutMs: 10_000 });
    const page = await fetch(`${loopback.redirectUri}?code=c0de&state=s1&iss=${encodeURIComponent('https://as.example')}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this tab');
    await expect(answer).resolves.toEqual({ code: 'c0de', iss: 'https://as.example' });
  });

  it('a redirect with another state is refused (CSRF) and the wait goes on; an error is reported without control characters', async () => {
    loopback = await startLoopbackRedirect();
    const answer = loopback.response('mine', { timeoutMs: 10_000 });
    expect((await fetch(`${loopback.redirectUri}?code=stolen&state=theirs`)).status).toBe(400);
    await fetch(`${loopback.redirectUri}?code=real&state=mine`);
    await expect(answer).resolves.toEqual({ code: 'real' });

    const second = await startLoopbackRedirect();
    try {
      const denied = second.response('s', { timeoutMs: 10_000 }).catch((e: Error & { code: string }) => e);
      await fetch(`${second.redirectUri}?error=access_denied&error_description=${encodeURIComponent('no \u001b[31mred\u0007')}&state=s`);
      const error = await denied;
      expect(error).toMatchObject({ code: 'access_denied' });
      expect((error as Error).message).not.toMatch(TERMINAL_CONTROL);
    } finally {
      await second.close();
    }
  });

  it('cancelling stops the wait and closes the port', async () => {
    loopback = await startLoopbackRedirect();
    const stop = new AbortController();
    const waiting = loopback.response('s', { signal: stop.signal, timeoutMs: 10_000 }).catch((e: Error) => e);
    stop.abort();
    await expect(waiting).resolves.toMatchObject({ code: 'cancelled' });
    await expect(fetch(loopback.redirectUri)).rejects.toThrow();
  });
});
