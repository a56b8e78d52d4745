import { describe, expect, it } from 'vitest';
import { Notices } from '../../agent/core/notices.js';

describe('lines for the user (Notices)', () => {
  it('keeps what comes while nobody listens, in order, for the next listener; nothing is lost between listeners', () => {
    const notices = new Notices();
    notices.emit('before the chat');
    const chat: string[] = [];
    const stop = notices.listen((line) => chat.push(line));
    notices.emit('while the chat is on screen');
    stop();
    notices.emit('while closing');
    const stderr: string[] = [];
    notices.listen((line) => stderr.push(line));
    expect(chat).toEqual(['before the chat', 'while the chat is on screen']);
    expect(stderr).toEqual(['while closing']);
  });
});
