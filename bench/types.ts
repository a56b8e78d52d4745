/** The contract between `bench/run.ts` and each benchmark module. */

export interface BenchContext {
  /** Shorter measurements (smoke run); figures are noisier. */
  quick: boolean;
  /** Repository root (where package.json is). */
  root: string;
  /** Scratch space for this run's logs and caches (under .bench/, git-ignored). */
  workDir: string;
  /** A progress line on stderr, so stdout carries only the report. */
  progress(line: string): void;
  /**
   * `--baseline DIR`: another checkout of Warden, built (`npm ci && npm run build` there). Modules that
   * can compare builds measure it in the same interleaved rounds (e.g. a change that must cost nothing).
   */
  baseline?: string;
  /**
   * `--candidate DIR`: a built checkout measured in place of this one by the modules that take
   * `--baseline` (the bench's own code stays this checkout's): two older builds compared with
   * today's method, e.g. the commit that added a feature against the one before it.
   */
  candidate?: string;
}

/** A table of measured figures: one row per measured configuration. */
export interface FigureTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Goal {
  op: '>=' | '<=';
  target: number;
}

/** A headline number: a ratio measured in the same run (unit '×') or an absolute figure, with its goal if the issue sets one. */
export interface KeyFigure {
  label: string;
  value: number;
  unit: string;
  goal?: Goal;
}

export interface BenchReport {
  figures: FigureTable[];
  keyFigures: KeyFigure[];
  /** How it was measured, caveats, checks that passed or failed (e.g. errors seen). */
  notes: string[];
}

/** `skipped` when a prerequisite is missing (e.g. Python): said plainly, never a failure. */
export type BenchOutcome = ({ status: 'done' } & BenchReport) | { status: 'skipped'; reason: string };

export interface BenchModule {
  /** Used with --only. */
  name: string;
  /** One line: what it measures. */
  title: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

export function goalMet(figure: KeyFigure): boolean | undefined {
  if (!figure.goal) return undefined;
  return figure.goal.op === '>=' ? figure.value >= figure.goal.target : figure.value <= figure.goal.target;
}
