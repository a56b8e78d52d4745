import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../core/engine-types.js';
import { withProviders } from '../testing/render.js';
import { ConversationPicker, conversationPickerRows } from './ConversationPicker.js';

afterEach(() => cleanup());

const NOW = Date.UTC(2026, 11, 7, 12);
const conversation = (n: number, patch: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: `20261207-1200${String(n).padStart(2, '0')}-abcd`,
  createdAt: NOW - n * 3_600_000,
  updatedAt: NOW - n * 3_600_000,
  cwd: '/p',
  firstPrompt: `question ${n}`,
  bytes: 1500 * n,
  ...patch,
});

const frame = (props: Parameters<typeof ConversationPicker>[0], columns = 80): string => {
  const instance = render(withProviders(<ConversationPicker {...props} />));
  Object.defineProperty(instance.stdout, 'columns', { value: columns });
  return instance.lastFrame() ?? '';
};

describe('ConversationPicker', () => {
  it('lists when, the first prompt and the size, the selection marked; its height is what it reports', () => {
    const conversations = [conversation(0), conversation(3), conversation(30)];
    const text = frame({ conversations, selected: 1, now: NOW, visible: 8 });
    expect(text).toContain('Resume a conversation (3 in this directory)');
    expect(text).toMatch(/ {2}just now\s+question 0\s+0 B/);
    expect(text).toMatch(/› 3 h ago\s+question 3\s+4 KB/);
    expect(text).toMatch(/ {2}yesterday\s+question 30\s+44 KB/);
    expect(text).toContain('↑↓ choose · Enter resume · Esc cancel');
    expect(text.split('\n')).toHaveLength(conversationPickerRows({ conversations, visible: 8 }));
  });

  it('shows a window of a long list around the selection, and where it is', () => {
    const conversations = Array.from({ length: 20 }, (_, i) => conversation(i));
    const text = frame({ conversations, selected: 12, now: NOW, visible: 5 });
    expect(text).toContain('› 12 h ago');
    expect(text).not.toContain('question 0 ');
    expect(text).toContain('11–15 of 20');
    expect(text.split('\n')).toHaveLength(conversationPickerRows({ conversations, visible: 5 }));
  });

  it('a first prompt from the file cannot drive the terminal and stays one line', () => {
    const text = frame({ conversations: [conversation(1, { firstPrompt: 'evil\u001b]0;owned\u0007\nsecond line' })], selected: 0, now: NOW, visible: 8 });
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain(']0;');
    expect(text).toContain('evil second line');
  });
});
