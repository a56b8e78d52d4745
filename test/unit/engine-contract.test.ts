import { afterEach, describe, expect, it } from 'vitest';
import { createAgentEngine } from '../../agent/core/engine.js';
import { TURN_ALREADY_RUNNING, type AgentEngine } from '../../agent/core/engine-types.js';
import { ModelCancelledError, type ChatModel } from '../../agent/core/model/types.js';
import { FakeEngine } from '../../agent/ui/testing/fake-engine.js';
import { startTestServer } from '../helpers/server-harness.js';

/**
 * What the UI relies on from an engine, run against the real engine and against the FakeEngine
 * the UI's tests use, so the fake cannot allow what the engine refuses.
 */
interface Subject {
  engine: AgentEngine;
  /** Resolves once the n-th accepted turn is underway. */
  underway(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A model that answers only when its turn is cancelled, and tells the test each time it is asked. */
function waitingModel(): { model: ChatModel; underway(n: number): Promise<void> } {
  let calls = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const model: ChatModel = {
    info: { kind: 'demo' },
    respond(request) {
      calls++;
      for (const w of waiters.filter((w) => w.n <= calls)) w.resolve();
      return new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(new ModelCancelledError()), { once: true }));
    },
  };
  const underway = (n: number) => (calls >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { model, underway };
}

const subjects: Record<string, () => Promise<Subject>> = {
  'the real engine': async () => {
    const { model, underway } = waitingModel();
    const { server } = await startTestServer({}, { noAuth: true });
    const engine = createAgentEngine({ serverUrl: server.url, noAuth: true, maxTurns: 5, context: {}, toolResultMaxTokens: 25_000 }, { model });
    return {
      engine,
      underway,
      close: async () => {
        await engine.close();
        await server.close();
      },
    };
  },
  FakeEngine: async () => {
    const engine = new FakeEngine();
    return { engine, underway: async (n) => expect(engine.turns.length).toBeGreaterThanOrEqual(n), close: async () => {} };
  },
};

for (const [name, make] of Object.entries(subjects)) {
  describe(`engine contract: ${name}`, () => {
    let subject: Subject;
    afterEach(async () => {
      await subject.close();
    });

    // A second turn that is taken never ends by itself here: the bound turns that into a failure.
    it('runs one turn at a time: a second ends at once with an error and leaves the first running', { timeout: 5000 }, async () => {
      subject = await make();
      const { engine } = subject;
      const first = new AbortController();
      const running = engine.runTurn('one', { signal: first.signal });
      await subject.underway(1);

      const second = await engine.runTurn('two');
      expect(second).toMatchObject({ stopReason: 'error', error: TURN_ALREADY_RUNNING, callIds: [] });

      first.abort();
      expect((await running).stopReason).toBe('cancelled');

      // Once the first has ended, the next turn is taken.
      const third = new AbortController();
      const next = engine.runTurn('three', { signal: third.signal });
      await subject.underway(2);
      third.abort();
      expect((await next).stopReason).toBe('cancelled');
    });
  });
}
