import { EventEmitter } from 'node:events';

/**
 * A keyboard for rendering the TUI in process: Ink reads it on 'readable', as from a raw-mode
 * TTY. Shared by the UI's own tests and the benchmarks' fake terminal; it records the raw-mode
 * switches so a test can see the terminal given back. Not a screen: see bench/support/fake-terminal.ts.
 */
export class FakeTtyIn extends EventEmitter {
  isTTY = true;
  /** Every setRawMode(on) call, in order. */
  readonly rawMode: boolean[] = [];
  private queue: string[] = [];
  setRawMode(on: boolean): this {
    this.rawMode.push(on);
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  /** As if typed (or pasted) in one go. */
  type(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
}
