/** Just enough markdown for chat replies: headings, lists, fenced code, **bold** and `code`. Line based, so partial text streams well. */

export interface Inline {
  text: string;
  bold?: boolean;
  code?: boolean;
}

export type Block =
  | { type: 'text'; inlines: Inline[] }
  | { type: 'heading'; inlines: Inline[] }
  | { type: 'item'; marker: string; depth: number; inlines: Inline[] }
  | { type: 'code'; lang: string; lines: string[] }
  | { type: 'blank' };

const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;
const ITEM = /^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$/;
const INLINE = /(\*\*|__)(?=\S)(.+?)(?<=\S)\1|`([^`]+)`/g;

export function parseInline(line: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    if (match.index > last) out.push({ text: line.slice(last, match.index) });
    if (match[3] !== undefined) out.push({ text: match[3], code: true });
    else out.push({ text: match[2] ?? '', bold: true });
    last = match.index + match[0].length;
  }
  if (last < line.length) out.push({ text: line.slice(last) });
  return out;
}

export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  let code: { type: 'code'; lang: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    const fence = FENCE.exec(line);
    if (code) {
      if (fence) code = undefined;
      else code.lines.push(line);
      continue;
    }
    if (fence) {
      code = { type: 'code', lang: fence[2] ?? '', lines: [] };
      blocks.push(code);
      continue;
    }
    if (line.trim() === '') {
      blocks.push({ type: 'blank' });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', inlines: parseInline(heading[1] ?? '') });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const bullet = item[2] ?? '-';
      const marker = /\d/.test(bullet) ? bullet : '•';
      blocks.push({ type: 'item', marker, depth: Math.floor((item[1] ?? '').length / 2), inlines: parseInline(item[3] ?? '') });
      continue;
    }
    blocks.push({ type: 'text', inlines: parseInline(line) });
  }
  return blocks;
}

/**
 * Splits streaming text at its last paragraph break outside a code fence: `done` can be printed
 * for good (into <Static>), `rest` still grows. Keeps the live region small however long the reply.
 */
export function splitAtParagraph(text: string): { done: string; rest: string } {
  let inFence = false;
  let cut = -1;
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) inFence = !inFence;
    const next = lines[i + 1];
    // A blank line followed by more text, outside code: everything before it is final.
    if (!inFence && line.trim() === '' && i > 0 && next !== undefined && i < lines.length - 1) cut = offset;
    offset += line.length + 1;
  }
  if (cut <= 0) return { done: '', rest: text };
  return { done: text.slice(0, cut).replace(/\n+$/, ''), rest: text.slice(cut).replace(/^\n+/, '') };
}
