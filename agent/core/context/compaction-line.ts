/** How a compaction is told to the user, in the chat, in -p and in a resumed transcript: one line. */
import type { Compaction } from '../engine-types.js';

const k = (tokens: number): string => (tokens >= 10_000 ? `${Math.round(tokens / 1000)}k` : tokens.toLocaleString('en-US'));

/** Who compacted, how, and the context's size before and after (estimates, hence ~). */
export function compactionLine(c: Compaction): string {
  const sizes = `~${k(c.tokensBefore)} → ~${k(c.tokensAfter)} tokens`;
  switch (c.how) {
    case 'server-summary':
      return `Compacted the conversation (summarized by the API): ${sizes}.`;
    case 'local-summary':
      return `Compacted the conversation (summarized by Warden): ${sizes}.`;
    case 'local-clearing':
    case 'server-clearing':
      return `${c.summary} (${sizes}).`;
  }
}
