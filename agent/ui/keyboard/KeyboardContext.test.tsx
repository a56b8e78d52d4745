import { cleanup } from 'ink-testing-library';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHook } from '../testing/hook.js';
import { ManualClock } from '../testing/manual-clock.js';
import { keys, settle } from '../testing/render.js';
import type { KeyPress } from './key-press.js';
import { useKeys } from './KeyboardContext.js';
import { KEY_OWNERS, type KeyOwner } from './owners.js';

afterEach(() => cleanup());

interface Seen {
  owner: KeyOwner;
  press: KeyPress;
}

/** Mounts owners (in the order given) that record what reaches them and take what `takes` says. */
function owners(spec: Array<{ owner: KeyOwner; takes: (press: KeyPress) => boolean; active?: () => boolean }>, clock = new ManualClock()) {
  const seen: Seen[] = [];
  const hook = renderHook(
    () => {
      for (const { owner, takes, active } of spec) {
        // biome-ignore lint/correctness/useHookAtTopLevel: the spec is fixed for the test's life
        useKeys(
          owner,
          (press) => {
            seen.push({ owner, press });
            return takes(press);
          },
          active?.() ?? true,
        );
      }
      return null;
    },
    { clock },
  );
  return { seen, hook, clock };
}

describe('the keyboard goes to one owner at a time, by priority', () => {
  it('the first active owner in KEY_OWNERS order gets the key, whatever order they mounted in', async () => {
    const { seen, hook } = owners([
      { owner: 'editor', takes: () => true },
      { owner: 'call-focus', takes: (p) => p.key.tab },
      { owner: 'interrupt', takes: (p) => p.key.ctrl && p.input === 'c' },
    ]);
    await settle();
    hook.stdin.write('x');
    await settle();
    hook.stdin.write(keys.tab);
    await settle();
    hook.stdin.write(keys.ctrlC);
    await settle();
    // x: interrupt and call-focus let it pass to the editor; Tab stops at call-focus; Ctrl-C at interrupt.
    expect(seen.map((s) => `${s.owner}:${s.press.key.tab ? 'Tab' : s.press.input}`)).toEqual([
      'interrupt:x',
      'call-focus:x',
      'editor:x',
      'interrupt:Tab',
      'call-focus:Tab',
      'interrupt:c',
    ]);
    expect(KEY_OWNERS.indexOf('interrupt')).toBeLessThan(KEY_OWNERS.indexOf('editor'));
  });

  it('an inactive owner is skipped; a modal owner that takes everything hides the ones below', async () => {
    const seen: string[] = [];
    let open: (on: boolean) => void = () => {};
    const hook = renderHook(() => {
      const [modal, setModal] = useState(false);
      open = setModal;
      useKeys('editor', ({ input }) => (seen.push(`editor:${input}`), true));
      useKeys('sign-in', ({ input }) => (seen.push(`sign-in:${input}`), true), modal);
    });
    await settle();
    hook.stdin.write('a');
    await settle();
    open(true);
    await settle();
    hook.stdin.write('b');
    await settle();
    open(false);
    await settle();
    hook.stdin.write('c');
    await settle();
    expect(seen).toEqual(['editor:a', 'sign-in:b', 'editor:c']);
  });

  it('marks bracketed pastes and says how long after the previous typing a key came', async () => {
    const clock = new ManualClock();
    const { seen, hook } = owners([{ owner: 'editor', takes: () => true }], clock);
    await settle();
    hook.stdin.write('a');
    await settle();
    clock.advance(250);
    hook.stdin.write('\u001b[200~pasted\rtext\u001b[201~');
    await settle();
    clock.advance(1000);
    hook.stdin.write(keys.up);
    await settle();
    hook.stdin.write('b');
    await settle();
    expect(seen.map(({ press }) => [press.input, press.paste, press.sinceText])).toEqual([
      ['a', false, Number.POSITIVE_INFINITY],
      ['pasted\rtext', true, 250],
      // An arrow is not typing: the next key still counts from the paste.
      ['', false, 1000],
      ['b', false, 1000],
    ]);
  });

  it('a Tab typed in the same read as the text before it is still the Tab key; inside a chunk or a paste it is text', async () => {
    const { seen, hook } = owners([{ owner: 'editor', takes: () => true }]);
    await settle();
    hook.stdin.write('/mc\t');
    await settle();
    hook.stdin.write('a\tb');
    await settle();
    hook.stdin.write('\u001b[200~c\t\u001b[201~');
    await settle();
    expect(seen.map(({ press }) => (press.key.tab ? 'Tab' : press.input))).toEqual(['/mc', 'Tab', 'a\tb', 'c\t']);
  });
});
