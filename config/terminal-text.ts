/**
 * Terminal-safe text: the one place that decides what outside text (from an MCP server, an
 * identity provider, NWS, a config file) may look like once it reaches a terminal.
 *
 * Responsible for: removing C0/C1 controls and ESC/CSI/OSC/DCS sequences (window titles,
 * clipboard writes, cursor moves, erases), bidi overrides, and capping the size before layout.
 * Not responsible for: colours or wrapping (Ink does that), nor what the model sees — callers
 * keep the original text for the model and pass only what is displayed through here.
 *
 * Lives in config/ because that is the leaf layer every part (agent, auth, mcp-server) may import.
 */

/** What `safeLine` cuts to when no width is given: a summary line, never a screenful. */
export const DEFAULT_LINE_CHARS = 200;
/** A name (a tool's, a server's) is a short word; a longer one is a lie and gets cut. */
export const NAME_CHARS = 64;

/**
 * Escape sequences, longest forms first: OSC/DCS/SOS/PM/APC strings (7- and 8-bit introducers,
 * ended by BEL, ST or ESC \\; bounded so an unterminated one cannot make matching quadratic),
 * CSI, then any other ESC sequence.
 */
const SEQUENCES =
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]{0,4096}(?:\u0007|\u009c|\u001b\\)?|(?:\u001b\[|\u009b)[0-?]{0,64}[ -/]{0,16}[@-~]?|\u001b[ -/]{0,8}[0-~]?/g;
/** Controls left after the sequences (newline and tab are handled by the callers' modes), DEL, C1. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi embeddings, overrides and isolates reorder what the user reads (Trojan Source). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with every terminal control removed. Tabs become a space; with `keepNewlines`, CRLF and
 * lone CR become `\n` (so a CR can never return the cursor to forge the start of a line),
 * otherwise every line break becomes a space.
 */
export function stripControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  const lines = text.replace(SEQUENCES, '').replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  const broken = options.keepNewlines ? lines : lines.replace(/\n/g, ' ');
  return broken.replace(CONTROLS, '').replace(BIDI, '');
}

/** Cuts to at most `max` characters (code points, so no half surrogate pair), ending in `…` when cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Code points, not UTF-16 units; reading max + 1 of them tells whether anything is cut.
  const points: string[] = [];
  for (const point of text) {
    if (points.push(point) > max) break;
  }
  if (points.length <= max) return text;
  return max <= 1 ? '…'.slice(0, Math.max(0, max)) : `${points.slice(0, max - 1).join('')}…`;
}

/**
 * One display line from outside text: controls removed, whitespace collapsed, at most `max`
 * characters. The input is cut before any other work, so a 200k-character message costs as
 * little as a short one. Non-strings (a server's lie about a field's type) become their JSON.
 */
export function safeLine(text: unknown, max = DEFAULT_LINE_CHARS): string {
  const raw = typeof text === 'string' ? text : text === undefined || text === null ? '' : (JSON.stringify(text) ?? '');
  // Sequences only ever shrink on stripping; 8× leaves room for a heavily escaped line.
  const head = raw.length > max * 8 ? raw.slice(0, max * 8) : raw;
  return capText(stripControls(head).replace(/\s+/g, ' ').trim(), max);
}

/**
 * A multi-line display block from outside text (a result, a description): controls removed but
 * newlines kept, at most `maxLines` lines of at most `maxLineChars` each; a note says how much
 * was left out. Callers that print lines behind a prefix must prefix every line themselves.
 */
export function safeBlock(text: unknown, options: { maxLines?: number; maxLineChars?: number } = {}): string {
  const maxLines = options.maxLines ?? 40;
  const maxLineChars = options.maxLineChars ?? 400;
  const raw = typeof text === 'string' ? text : (JSON.stringify(text) ?? '');
  const budget = maxLines * maxLineChars * 4;
  const head = raw.length > budget ? raw.slice(0, budget) : raw;
  const lines = stripControls(head, { keepNewlines: true }).split('\n');
  const kept = lines.slice(0, maxLines).map((line) => capText(line.trimEnd(), maxLineChars));
  const omitted = lines.length - kept.length;
  if (raw.length > budget) kept.push('… (the rest is not shown)');
  else if (omitted > 0) kept.push(`… (${omitted} more line${omitted === 1 ? '' : 's'} not shown)`);
  return kept.join('\n');
}

/** Longest escape sequence a stream holds back while waiting for its end (an OSC string's bound, plus room). */
const MAX_HELD = 4200;
const INTRODUCER = /[\u001b\u0090\u0098\u009b\u009d-\u009f]/g;

/** Where a sequence that may still be arriving starts at the end of `text` (or a CR whose LF may follow); -1 if none. */
function openTail(text: string): number {
  let last = -1;
  INTRODUCER.lastIndex = Math.max(0, text.length - MAX_HELD);
  for (let m = INTRODUCER.exec(text); m; m = INTRODUCER.exec(text)) last = m.index;
  if (last >= 0) {
    const sequence = new RegExp(SEQUENCES.source, 'y');
    sequence.lastIndex = last;
    if (sequence.exec(text)?.[0].length === text.length - last) return last;
  }
  return text.endsWith('\r') ? text.length - 1 : -1;
}

/**
 * `stripControls` with newlines kept, for text that arrives in pieces (a streamed answer): an
 * escape sequence or CRLF split across two pieces is held back until the next piece, so what
 * passes is the same as stripping the whole text at once. `end()` releases the held tail.
 */
export function createStreamStripper(): { push(piece: string): string; end(): string } {
  let held = '';
  return {
    push(piece) {
      const text = held + piece;
      const cut = openTail(text);
      held = cut < 0 ? '' : text.slice(cut);
      return stripControls(cut < 0 ? text : text.slice(0, cut), { keepNewlines: true });
    },
    end() {
      const rest = held;
      held = '';
      return stripControls(rest, { keepNewlines: true });
    },
  };
}
