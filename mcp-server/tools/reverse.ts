import { setTimeout as delay } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { scopeOf } from '../request-scope.js';
import { textResult, toolError, type ToolDeps } from './context.js';
import { convertedOnce } from './input-schema.js';
import { observed } from './observed.js';

const STEPS = 5;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Longer texts are refused with a tool error (1 MiB bodies could otherwise carry ~1M characters of work). */
export const MAX_TEXT_LENGTH = 100_000;
const INPUT = convertedOnce(
  z.object({
    text: z
      .string()
      .max(MAX_TEXT_LENGTH, `too long: at most ${MAX_TEXT_LENGTH} characters; reverse a longer text in parts`)
      .describe(`The text to reverse (at most ${MAX_TEXT_LENGTH} characters)`),
  }),
);

/** V8's segmenter slows down quadratically with the text's length (100k characters: seconds); windows this long keep it linear. */
const WINDOW = 1024;

/**
 * Splits into grapheme clusters window by window. A window starts at a cluster boundary, and each
 * break is decided by what precedes it and the one code point after it, so every boundary inside a
 * window is the true one except possibly the last (the edge may cut a cluster): that piece starts the next window.
 */
export function graphemes(text: string): string[] {
  if (ASCII.test(text)) return asciiGraphemes(text);
  const clusters: string[] = [];
  let start = 0;
  let window = WINDOW;
  while (start < text.length) {
    let end = Math.min(text.length, start + window);
    // Never cut a surrogate pair: the break before the window's last piece is decided by the code point that follows it.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    const pieces = Array.from(segmenter.segment(text.slice(start, end)), (s) => s.segment);
    if (end < text.length) {
      // One cluster filling the whole window (e.g. a letter under thousands of combining marks): look further.
      if (pieces.length === 1) {
        window *= 2;
        continue;
      }
      pieces.pop();
    }
    for (const piece of pieces) clusters.push(piece);
    start += pieces.reduce((length, piece) => length + piece.length, 0);
    window = WINDOW;
  }
  return clusters;
}

const ASCII = /^[\x00-\x7f]*$/;

/** In ASCII every character is a cluster of its own except CR LF (UAX #29): no segmenter needed. */
function asciiGraphemes(text: string): string[] {
  const clusters: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') {
      clusters.push('\r\n');
      i++;
    } else clusters.push(text[i] as string);
  }
  return clusters;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Reverses user-perceived characters (as `graphemes` splits them), so emoji sequences and combining marks stay intact. */
export function reverseGraphemes(clusters: readonly string[]): string {
  return clusters.toReversed().join('');
}

export function registerReverse(server: McpServer, deps: ToolDeps): void {
  const scopeChallenge = deps.scopeChallenge('reverse');
  server.registerTool(
    'reverse',
    {
      title: 'Reverse text',
      description: 'Reverses a text character by character (emoji and accented letters stay whole). Takes a few seconds and reports progress in 5 steps.',
      inputSchema: INPUT,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      ...(scopeChallenge && { scopeChallenge }),
    },
    observed(deps, 'reverse', async ({ text }, ctx, trace) => {
      const stopped = (): boolean => ctx.mcpReq.signal.aborted || deps.shutdown.aborted;
      // Combined only when there is a wait to interrupt: AbortSignal.any is costly per call on Node 20.
      let both: AbortSignal | undefined;
      const progressToken = ctx.mcpReq._meta?.progressToken;
      const characters = graphemes(text);
      const total = characters.length;
      let step = 0;
      try {
        for (step = 1; step <= STEPS; step++) {
          // 0 ms (benchmarks) skips the timer entirely; a cancellation still counts.
          if (deps.reverseStepMs > 0) await delay(deps.reverseStepMs, undefined, { signal: (both ??= AbortSignal.any([ctx.mcpReq.signal, deps.shutdown])) });
          else if (stopped()) throw new Error('stopped');
          if (progressToken === undefined) continue;
          const done = Math.round((total * step) / STEPS);
          const message = `Step ${step} of ${STEPS}: reversed ${done} of ${total} characters`;
          trace?.progress(step, STEPS, message);
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: step, total: STEPS, message } });
        }
      } catch (error) {
        // Only an abort while still working is a cancellation; v2 also aborts after normal completion.
        if (!stopped()) throw error;
        const shuttingDown = deps.shutdown.aborted && !ctx.mcpReq.signal.aborted;
        const scope = scopeOf(ctx.http?.req);
        if (scope) scope.outcome = 'cancelled';
        deps.logger.log('info', 'tool cancelled', { request: scope?.id, tool: 'reverse', step, reason: shuttingDown ? 'server shutting down' : 'client cancelled' });
        // A drain that ran out of time: say so, so the client can tell its user (and retry elsewhere).
        if (shuttingDown) return toolError(`the server is shutting down: reverse stopped at step ${step} of ${STEPS} without finishing; call it again`);
        return toolError(`reverse was cancelled at step ${step} of ${STEPS}`);
      }
      return textResult(reverseGraphemes(characters));
    }),
  );
}
