import { describe, expect, it } from 'vitest';
import { declineAnswer, type QuestionOf } from '../../agent/core/tool-calls/questions.js';
import { ToolCallRegistry } from '../../agent/core/tool-calls/registry.js';

const approval = { kind: 'approval', annotations: {}, readOnly: false } as const;

describe('ToolCallRegistry questions', () => {
  it('a question waits on the record until answered; the answer reaches the asker and the question goes', async () => {
    const registry = new ToolCallRegistry();
    const { record } = registry.start('write_file', { path: 'a' }, { status: 'queued' });
    const asked = registry.ask(record.id, approval);
    expect(registry.get(record.id)?.question).toEqual(approval);
    expect(registry.waiting().map((r) => r.id)).toEqual([record.id]);
    expect(registry.answer(record.id, { kind: 'approval', decision: 'once' })).toBe(true);
    await expect(asked).resolves.toEqual({ kind: 'approval', decision: 'once' });
    expect(registry.get(record.id)?.question).toBeUndefined();
    // A second answer finds nothing to answer.
    expect(registry.answer(record.id, { kind: 'approval', decision: 'deny' })).toBe(false);
  });

  it('cancelling a waiting call (or its turn) rejects the question and clears it', async () => {
    const registry = new ToolCallRegistry();
    const turn = new AbortController();
    const a = registry.start('t', {}, { parentSignal: turn.signal });
    const b = registry.start('t', {}, { parentSignal: turn.signal });
    const askedA = registry.ask(a.record.id, approval);
    const askedB = registry.ask(b.record.id, approval);
    registry.cancel(a.record.id);
    await expect(askedA).rejects.toThrow('cancelled by the user');
    expect(registry.get(a.record.id)?.question).toBeUndefined();
    turn.abort(new Error('turn cancelled'));
    await expect(askedB).rejects.toThrow('turn cancelled');
    expect(registry.waiting()).toEqual([]);
  });

  it('two questions of one call at once (an elicitation and a sampling request) are both answered, one after the other', async () => {
    const registry = new ToolCallRegistry();
    const { record } = registry.start('book', {});
    const elicitation: QuestionOf<'elicitation'> = { kind: 'elicitation', server: 's', message: 'Which day?', mode: 'form', fields: [] };
    const sampling = { kind: 'sampling', server: 's', maxTokens: 20 } as unknown as QuestionOf<'sampling'>;
    const first = registry.ask(record.id, elicitation);
    const second = registry.ask(record.id, sampling);
    expect(registry.get(record.id)).toMatchObject({ question: elicitation, questionsBehind: 1 });
    // An answer goes to the question on screen, never to the one behind it.
    expect(registry.answer(record.id, { kind: 'sampling', allowed: true })).toBe(false);
    expect(registry.answer(record.id, { kind: 'elicitation', action: 'accept', content: {} })).toBe(true);
    await expect(first).resolves.toEqual({ kind: 'elicitation', action: 'accept', content: {} });
    expect(registry.get(record.id)?.question).toBe(sampling);
    expect(registry.get(record.id)?.questionsBehind).toBeUndefined();
    expect(registry.answer(record.id, { kind: 'sampling', allowed: true })).toBe(true);
    await expect(second).resolves.toEqual({ kind: 'sampling', allowed: true });
    expect(registry.waiting()).toEqual([]);

    const third = registry.ask(record.id, elicitation);
    const fourth = registry.ask(record.id, sampling);
    registry.cancel(record.id);
    await expect(third).rejects.toThrow('cancelled by the user');
    await expect(fourth).rejects.toThrow('cancelled by the user');
  });

  it('an ended call asks nothing any more', () => {
    const registry = new ToolCallRegistry();
    const { record } = registry.start('t', {});
    void registry.ask(record.id, approval).catch(() => undefined);
    registry.fail(record.id, 'server went away');
    expect(registry.get(record.id)?.question).toBeUndefined();
    expect(registry.answer(record.id, { kind: 'approval', decision: 'once' })).toBe(false);
  });

  it("each kind has a 'no': approval's is deny", () => {
    expect(declineAnswer(approval)).toEqual({ kind: 'approval', decision: 'deny' });
  });
});
