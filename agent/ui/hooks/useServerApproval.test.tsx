import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import type { SessionStatus } from '../../core/engine-types.js';
import type { TranscriptEntry } from '../transcript.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { renderHook } from '../testing/hook.js';
import { settle } from '../testing/render.js';
import { useServerApproval } from './useServerApproval.js';
import { useSessionStatus } from './useSessionStatus.js';
import { useSignIn } from './useSignIn.js';

afterEach(() => cleanup());

const request: ApprovalReason = {
  kind: 'scope-bound-elsewhere',
  scope: 'api://a-app/execute',
  server: 'http://127.0.0.1:2000/mcp',
  boundTo: ['http://127.0.0.1:1000/mcp'],
};
const asking: Partial<SessionStatus> = {
  connection: { state: 'sign-in-needed', reason: 'approval needed' },
  auth: { state: 'approval-needed', request },
};

function setup() {
  const engine = new FakeEngine({ status: asking });
  const entries: TranscriptEntry[] = [];
  const hook = renderHook(
    () => {
      const status = useSessionStatus(engine);
      const add = (...e: TranscriptEntry[]) => entries.push(...e);
      // The sign-in hook runs beside it in the app: it must not start a sign-in over the question.
      useSignIn({ engine, status, add, openBrowser: undefined });
      return useServerApproval({ engine, status, add });
    },
    { engine },
  );
  return { engine, entries, hook };
}

describe('useServerApproval', () => {
  it('asks while the engine holds the token back, and no sign-in starts meanwhile', async () => {
    const { engine, hook } = setup();
    await settle();
    expect(hook.current).toMatchObject({ active: true, request, answering: false });
    expect(engine.signIns).toHaveLength(0);
  });

  it('y approves: the engine records it, and the user is told it connects again', async () => {
    const { engine, entries, hook } = setup();
    await settle();
    hook.stdin.write('y');
    await settle();
    expect(engine.approvals).toEqual([true]);
    expect(entries).toEqual([{ kind: 'info', text: 'Approved; connecting again.' }]);
    engine.setStatus({ auth: { state: 'signed-out' } });
    await settle();
    expect(hook.current.active).toBe(false);
  });

  it('n refuses: nothing is approved, the user learns how to be asked again, and no sign-in starts', async () => {
    const { engine, entries, hook } = setup();
    await settle();
    hook.stdin.write('n');
    await settle();
    expect(engine.approvals).toEqual([false]);
    engine.setStatus({ auth: { state: 'approval-declined', request } });
    await settle();
    expect(hook.current.active).toBe(false);
    expect(entries).toEqual([{ kind: 'info', text: 'Not approved: no token was sent. Type /login to be asked again.' }]);
    expect(engine.signIns).toHaveLength(0);
  });

  it('other keys do nothing, and nothing is asked when no approval is pending', async () => {
    const { engine, hook } = setup();
    await settle();
    hook.stdin.write('x');
    await settle();
    expect(engine.approvals).toEqual([]);
    engine.setStatus({ connection: { state: 'connected', toolCount: 3 }, auth: { state: 'signed-in', account: 'a', expiresAt: 9e12 } });
    await settle();
    hook.stdin.write('y');
    await settle();
    expect(hook.current.active).toBe(false);
    expect(engine.approvals).toEqual([]);
  });
});
