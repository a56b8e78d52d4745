import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../core/engine-types.js';
import type { TranscriptEntry } from '../transcript.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { keys, settle } from '../testing/render.js';
import { useSessionStatus } from './useSessionStatus.js';
import { useSignIn, type BrowserOpener } from './useSignIn.js';

afterEach(() => cleanup());

const needed: Partial<SessionStatus> = {
  connection: { state: 'sign-in-needed', reason: 'no token' },
  auth: { state: 'signed-out' },
};
const prompt = {
  authorityHost: 'localhost:5555',
  userCode: 'ABCD1234',
  verificationUri: 'https://localhost:5555/devicelogin',
  verificationUriComplete: 'https://localhost:5555/devicelogin?code=ABCD1234',
  expiresIn: 900,
  expiresAt: 2_000_000,
  message: 'Open … and enter ABCD1234',
};

function setup(openBrowser?: BrowserOpener) {
  const engine = new FakeEngine({ status: needed });
  const entries: TranscriptEntry[] = [];
  const hook = renderHook(
    () => {
      const status = useSessionStatus(engine);
      return useSignIn({ engine, status, add: (...e) => entries.push(...e), openBrowser });
    },
    { engine },
  );
  return { engine, entries, hook };
}

describe('useSignIn', () => {
  it('starts by itself when sign-in is needed, shows the prompt, and reports success', async () => {
    const { engine, entries, hook } = setup();
    await settle();
    expect(engine.signIns).toHaveLength(1);
    expect(hook.current.active).toBe(true);
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    expect(hook.current.prompt).toEqual(prompt);
    engine.setStatus({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'dev@warden.example', expiresAt: 9e12 } });
    engine.signIns[0]!.resolve();
    await settle();
    expect(hook.current.active).toBe(false);
    expect(entries).toEqual([{ kind: 'info', text: 'Signed in as dev@warden.example.' }]);
  });

  it('Esc cancels: the signal aborts, the user is told how to retry, and it does not restart by itself', async () => {
    const { engine, entries, hook } = setup();
    await settle();
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    hook.stdin.write(keys.escape);
    await settle();
    expect(engine.signIns[0]!.signal?.aborted).toBe(true);
    engine.setStatus(needed);
    await settle();
    expect(entries).toEqual([{ kind: 'info', text: 'Sign-in cancelled. Type /login to sign in.' }]);
    expect(engine.signIns).toHaveLength(1);
    hook.current.start();
    await settle();
    expect(engine.signIns).toHaveLength(2);
  });

  it('o opens the verification page with the code filled in, when a browser exists', async () => {
    const opened: string[] = [];
    const { engine, hook } = setup(async (url) => {
      opened.push(url);
    });
    await settle();
    expect(hook.current.browser).toBe('ready');
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    hook.stdin.write('o');
    await settle();
    expect(opened).toEqual([prompt.verificationUriComplete]);
    expect(hook.current.browser).toBe('opened');
  });

  it('`o` does nothing without a browser: nothing opens, the panel keeps saying so, sign-in goes on', async () => {
    const { engine, entries, hook } = setup();
    await settle();
    expect(hook.current.browser).toBe('unavailable');
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    hook.stdin.write('o');
    await settle();
    expect(hook.current.browser).toBe('unavailable');
    expect(hook.current.active).toBe(true);
    expect(engine.signIns).toHaveLength(1);
    expect(engine.signIns[0]!.signal?.aborted).toBe(false);
    expect(entries).toEqual([]);
  });

  it('says why sign-in failed', async () => {
    const { engine, entries } = setup();
    await settle();
    engine.setStatus({ auth: { state: 'signing-in', prompt } });
    await settle();
    engine.signIns[0]!.reject(new Error('the code expired'));
    await settle();
    expect(entries).toEqual([{ kind: 'error', text: 'Sign-in failed: the code expired — type /login to try again.' }]);
  });

  it('a server that rejects the token just issued: one message, no second device code however the connection moves', async () => {
    const { engine, entries } = setup();
    await settle();
    expect(engine.signIns).toHaveLength(1);
    const error = 'the server at http://127.0.0.1:8000/mcp rejected the token just issued for it (invalid_token: bad audience)';
    engine.setStatus({ connection: { state: 'sign-in-needed', reason: error }, auth: { state: 'error', error, rejected: true } });
    engine.signIns[0]!.resolve();
    await settle();
    // The host reconnects later (a turn, /mcp): each attempt ends in the same refusal.
    engine.setStatus({ connection: { state: 'connecting' } });
    await settle();
    engine.setStatus({ connection: { state: 'sign-in-needed', reason: error } });
    await settle();
    expect(engine.signIns).toHaveLength(1);
    expect(entries).toEqual([{ kind: 'error', text: `Sign-in stopped: ${error}. Type /login once that is fixed.` }]);
  });

  it('a refusal found without a sign-in (after the silent refresh) is told once and starts no device code', async () => {
    const error = 'the server at http://127.0.0.1:8000/mcp rejected the token just issued for it (invalid_token)';
    const engine = new FakeEngine({ status: { connection: { state: 'sign-in-needed', reason: error }, auth: { state: 'error', error, rejected: true } } });
    const entries: TranscriptEntry[] = [];
    renderHook(
      () => {
        const status = useSessionStatus(engine);
        return useSignIn({ engine, status, add: (...e) => entries.push(...e), openBrowser: undefined });
      },
      { engine },
    );
    await settle();
    expect(engine.signIns).toHaveLength(0);
    expect(entries).toEqual([{ kind: 'error', text: `Sign-in stopped: ${error}. Type /login once that is fixed.` }]);
  });
});
