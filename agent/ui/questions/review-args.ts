import { safeLine } from '../../../config/terminal-text.js';

/**
 * A call's arguments as the lines of a review: pretty-printed JSON, long strings folded to their
 * start and a count, every line terminal-safe and capped, at most `maxLines` lines. The model's
 * arguments may echo hostile text, so nothing here reaches the terminal unsanitised.
 */
export interface ReviewOptions {
  maxLines?: number;
  /** Characters of a string value shown before it is folded. */
  valueChars?: number;
  lineChars?: number;
}

const fold = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max)}… (+${value.length - max} chars)` : value);

export function reviewArgs(args: Readonly<Record<string, unknown>>, options: ReviewOptions = {}): string[] {
  const maxLines = options.maxLines ?? 10;
  const valueChars = options.valueChars ?? 80;
  const lineChars = options.lineChars ?? 160;
  if (Object.keys(args).length === 0) return ['(no arguments)'];
  const json = JSON.stringify(args, (_key, value: unknown) => (typeof value === 'string' ? fold(value, valueChars) : value), 2) ?? '{}';
  // The outer braces say nothing to a reader; the keys are indented by two.
  const lines = json
    .split('\n')
    .slice(1, -1)
    .map((line) => {
      // safeLine collapses whitespace, so the indent is kept aside.
      const body = line.slice(2);
      const indent = body.length - body.trimStart().length;
      return ' '.repeat(indent) + safeLine(body, lineChars);
    });
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines - 1);
  return [...kept, `… (${lines.length - kept.length} more lines)`];
}
