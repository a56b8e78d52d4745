import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';

/**
 * A terminal for rendering the TUI in process: Ink sees a TTY of a fixed size on both streams.
 * Nothing is displayed; the output is kept, and every frame is counted and timed.
 */

/** Keyboard side: shared with the UI's tests. */
export { FakeTtyIn } from '../../agent/ui/testing/fake-tty.js';

/**
 * Screen side. A frame is everything written in one synchronous run of code: Ink writes a frame
 * as up to three writes in a row (synchronised-update markers, erase + new content), so writes
 * are grouped until the next microtask.
 */
export class FakeTtyOut extends EventEmitter {
  readonly isTTY = true;
  /** Frame start times (performance.now()). */
  readonly frameTimes: number[] = [];
  bytes = 0;
  private chunks: string[] = [];
  private keptChars = 0;
  private inFrame = false;
  private waiters: { test: (frame: string) => boolean; resolve: () => void }[] = [];
  private current = '';

  constructor(
    readonly columns: number,
    readonly rows: number,
    /** Keep at most this much output (the newest); 0 keeps nothing (long memory runs). */
    private readonly keepChars = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  get frames(): number {
    return this.frameTimes.length;
  }

  write(chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.bytes += Buffer.byteLength(text);
    if (this.keepChars > 0) {
      this.chunks.push(text);
      this.keptChars += text.length;
      while (this.keptChars > this.keepChars && this.chunks.length > 1) this.keptChars -= (this.chunks.shift() as string).length;
    }
    if (!this.inFrame) {
      this.inFrame = true;
      this.frameTimes.push(performance.now());
      this.current = '';
      queueMicrotask(() => this.endFrame());
    }
    if (this.waiters.length > 0) this.current += text;
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }

  /** Everything kept so far, escapes included. */
  output(): string {
    return this.chunks.join('');
  }

  /** Resolves after the next frame whose own text passes `test` (escapes included). */
  nextFrame(test: (frame: string) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private endFrame(): void {
    this.inFrame = false;
    const frame = this.current;
    this.current = '';
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.test(frame));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
