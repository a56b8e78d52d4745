import { setTimeout as delay } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { requestScope } from '../request-scope.js';
import { textResult, toolError, type ToolDeps } from './context.js';

const STEPS = 5;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Reverses user-perceived characters, so emoji sequences and combining marks stay intact. */
export function reverseGraphemes(text: string): string {
  return graphemes(text).reverse().join('');
}

export function registerReverse(server: McpServer, deps: ToolDeps): void {
  const scopeChallenge = deps.scopeChallenge('reverse');
  server.registerTool(
    'reverse',
    {
      title: 'Reverse text',
      description:
        'Reverses a text character by character (emoji and accented letters stay whole). Takes a few seconds and reports progress in 5 steps.',
      inputSchema: z.object({ text: z.string().max(100_000).describe('The text to reverse') }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      ...(scopeChallenge && { scopeChallenge }),
    },
    async ({ text }, ctx) => {
      const signal = AbortSignal.any([ctx.mcpReq.signal, deps.shutdown]);
      const progressToken = ctx.mcpReq._meta?.progressToken;
      const characters = graphemes(text);
      const total = characters.length;
      let step = 0;
      try {
        for (step = 1; step <= STEPS; step++) {
          // 0 ms (benchmarks) skips the timer entirely; a cancellation still counts.
          if (deps.reverseStepMs > 0) await delay(deps.reverseStepMs, undefined, { signal });
          else signal.throwIfAborted();
          if (progressToken === undefined) continue;
          const done = Math.round((total * step) / STEPS);
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress: step, total: STEPS, message: `Step ${step} of ${STEPS}: reversed ${done} of ${total} characters` },
          });
        }
      } catch (error) {
        // Only an abort while still working is a cancellation; v2 also aborts after normal completion.
        if (!signal.aborted) throw error;
        const reason = deps.shutdown.aborted ? 'server shutting down' : 'client cancelled';
        const scope = requestScope.getStore();
        if (scope) scope.outcome = 'cancelled';
        deps.logger.log('info', 'tool cancelled', { request: scope?.id, tool: 'reverse', step, reason });
        return toolError(`reverse was cancelled at step ${step} of ${STEPS}`);
      }
      return textResult(characters.reverse().join(''));
    },
  );
}
