import { describe, expect, it } from 'vitest';
import { Conversation } from '../../agent/core/conversation.js';

describe('Conversation (the history sent to the model)', () => {
  it('alternates roles: a prompt after a turn that got no answer joins the same user message', () => {
    const c = new Conversation();
    c.addUser([{ type: 'text', text: 'first (cancelled before any answer)' }]);
    c.addUser([{ type: 'text', text: 'second' }]);
    expect(c.all).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'first (cancelled before any answer)' },
          { type: 'text', text: 'second' },
        ],
      },
    ]);
    c.addAssistant([{ type: 'text', text: 'answer' }]);
    c.addUser([{ type: 'text', text: 'third' }]);
    expect(c.all.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('keeps no empty assistant message (the API refuses one)', () => {
    const c = new Conversation();
    c.addUser([{ type: 'text', text: 'hi' }]);
    c.addAssistant([]);
    expect(c.all.map((m) => m.role)).toEqual(['user']);
  });

  it('keeps its own copy of the blocks it was given', () => {
    const c = new Conversation();
    const blocks = [{ type: 'text' as const, text: 'hi' }];
    c.addUser(blocks);
    c.addUser([{ type: 'text', text: 'again' }]);
    // Joining the second prompt must not grow the caller's array.
    expect(blocks).toHaveLength(1);
  });

  it('forgets everything on clear', () => {
    const c = new Conversation();
    c.addUser([{ type: 'text', text: 'hi' }]);
    c.addAssistant([{ type: 'text', text: 'hello' }]);
    c.clear();
    expect(c.all).toEqual([]);
    c.addUser([{ type: 'text', text: 'new' }]);
    expect(c.all).toEqual([{ role: 'user', content: [{ type: 'text', text: 'new' }] }]);
  });
});
