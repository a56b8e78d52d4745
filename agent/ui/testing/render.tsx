import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { App, type AppProps } from '../App.js';
import { ClockProvider } from '../contexts/ClockContext.js';
import { EngineProvider } from '../contexts/EngineContext.js';
import { ThemeProvider } from '../contexts/ThemeContext.js';
import { KeyboardProvider } from '../keyboard/KeyboardContext.js';
import { colourTheme, type Theme } from '../theme.js';
import type { FakeEngine } from './fake-engine.js';
import { ManualClock } from './manual-clock.js';

export const keys = {
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  up: '\u001B[A',
  down: '\u001B[B',
  left: '\u001B[D',
  right: '\u001B[C',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/**
 * Lets queued work run: React renders and effects, Ink's input parsing (a lone Esc is
 * delivered on the next check phase). Waits for events, never for wall-clock time.
 */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

type Instance = ReturnType<typeof render>;

/** Gives the fake stdout a size and tells the app, as a terminal resize would. */
export function resize(instance: Instance, columns: number, rows: number): void {
  Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true });
  instance.stdout.emit('resize');
}

export function withProviders(node: ReactElement, options: { engine?: FakeEngine; clock?: ManualClock; theme?: Theme } = {}): ReactElement {
  const tree = (
    <ClockProvider value={options.clock ?? new ManualClock()}>
      <ThemeProvider value={options.theme ?? colourTheme}>
        <KeyboardProvider>{node}</KeyboardProvider>
      </ThemeProvider>
    </ClockProvider>
  );
  return options.engine ? <EngineProvider value={options.engine}>{tree}</EngineProvider> : tree;
}

export interface AppHarness extends Instance {
  clock: ManualClock;
  engine: FakeEngine;
  exits: number;
  /** Writes keys or text to stdin and lets the app react. */
  press(...input: string[]): Promise<void>;
  /** Types a line and presses Enter. */
  send(line: string): Promise<void>;
  /** Advances the clock in steps of `step` ms, settling after each so every frame is drawn. */
  advance(ms: number, step?: number): Promise<void>;
  /** The last frame, trailing spaces trimmed per line. */
  screen(): string;
}

export async function renderApp(
  engine: FakeEngine,
  clock: ManualClock,
  options: Omit<AppProps, 'onExit'> & { columns?: number; rows?: number; theme?: Theme } = {},
): Promise<AppHarness> {
  const { columns = 100, rows = 40, theme, ...props } = options;
  let exits = 0;
  const instance = render(withProviders(<App {...props} onExit={() => exits++} />, { engine, clock, theme }));
  resize(instance, columns, rows);
  await settle();
  const harness: AppHarness = {
    ...instance,
    clock,
    engine,
    get exits() {
      return exits;
    },
    async press(...input) {
      for (const chunk of input) {
        instance.stdin.write(chunk);
        await settle();
      }
    },
    async send(line) {
      await harness.press(line, keys.enter);
    },
    async advance(ms, step = ms) {
      for (let done = 0; done < ms; done += step) {
        clock.advance(Math.min(step, ms - done));
        await settle();
      }
    },
    screen: () => (instance.lastFrame() ?? '').replace(/[ \t]+$/gm, ''),
  };
  return harness;
}
