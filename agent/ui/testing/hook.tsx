import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { FakeEngine } from './fake-engine.js';
import type { ManualClock } from './manual-clock.js';
import { withProviders } from './render.js';

export interface HookHarness<T> extends ReturnType<typeof render> {
  /** The hook's value from the latest render. */
  readonly current: T;
  /** How many times the probe rendered. */
  readonly renders: number;
}

/** Mounts `use` in a probe component inside the app's providers; `view` may render part of the value. */
export function renderHook<T>(use: () => T, options: { engine?: FakeEngine; clock?: ManualClock; view?: (value: T) => ReactElement | null } = {}): HookHarness<T> {
  let current: T | undefined;
  let renders = 0;
  // biome-ignore lint/correctness/noComponentHookFactories: a probe per test, by design of a hook harness
  function Probe() {
    const value = use();
    current = value;
    renders++;
    return options.view ? options.view(value) : null;
  }
  const instance = render(withProviders(<Probe />, options));
  return {
    ...instance,
    get current() {
      return current as T;
    },
    get renders() {
      return renders;
    },
  };
}
