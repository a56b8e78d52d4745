/**
 * Errors as words for people: one owner for what an error says, its first line, and the cause
 * underneath it (an errno or TLS code, or the innermost message).
 * Not responsible for terminal safety (config/terminal-text.ts does that where text is shown),
 * nor for deciding what an error means (retry, sign-in, …): callers branch on typed errors.
 */

/** How deep `cause` chains are followed: real ones are 2–4 deep; a cycle must not loop. */
const MAX_DEPTH = 6;

/** An Error's message, or anything else thrown as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first line with text in it, trimmed (CRLF or LF); cut to `maxChars` with `…`. */
export function firstLine(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const line = (text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** The error, then what caused it (`cause`, or an AggregateError's first error), outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < MAX_DEPTH; ) {
    chain.push(current);
    const inner = (current as { errors?: unknown }).errors;
    current = Array.isArray(inner) && inner.length > 0 ? inner[0] : (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Why something failed, in a few words: the first string `code` along the cause chain
 * (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …), else the first line of the innermost message
 * (fetch's "fetch failed" says less than the socket error under it).
 */
export function rootCause(error: unknown): string {
  const chain = causeChain(error);
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  const messages = chain.map(errorMessage).filter((m) => m.trim() !== '');
  return firstLine(messages.at(-1) ?? errorMessage(error)) || 'unknown error';
}
