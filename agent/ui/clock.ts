/** Time as the UI sees it; injected so tests drive countdowns, spinners and throttling without real waits. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Runs `callback` once after `ms`; returns a function that cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};
