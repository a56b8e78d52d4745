import type { ResourceTemplateType as ResourceTemplate } from '@modelcontextprotocol/client';
import { errorMessage, firstLine } from '../../../config/error-text.js';
import type { InputCompletion } from '../engine-types.js';
import type { ServerFeatures } from '../host/server-features.js';
import { humanBytes, joinTexts, resourcePart } from '../mcp/result-content.js';
import type { ImageBlock, TextBlock } from '../model/types.js';

/**
 * Resources by `@server:uri` mention: found in what the user typed, read with `resources/read`
 * and attached to the message as text blocks after it; completed from `resources/list` and the
 * server's resource templates (their variables through `completion/complete`).
 *
 * Not responsible for: the UI's list (it only asks), terminal safety (the UI's safeLine).
 */

/** A mention: `@` at the start or after a space, a configured server's name, `:`, a URI without spaces. */
const MENTION = /(^|\s)@([A-Za-z0-9_-]{1,64}):(\S+)/g;
/** Resources one message attaches; more are left as typed, with a notice. */
export const MENTIONS_MAX = 10;
/** Text attached per resource (about 25k tokens); more is cut with a note. */
export const ATTACHMENT_MAX_CHARS = 100_000;

/** How an attached resource's block starts (the model reads it; a resumed transcript leaves it out). */
const ATTACHED_PREFIX = '[attached by the user: ';

/** A text block that carries a resource the user attached, not words they typed. */
export const isAttachedResource = (block: { type: string; text?: string }): boolean => block.type === 'text' && block.text?.startsWith(ATTACHED_PREFIX) === true;

export interface Mention {
  server: string;
  uri: string;
}

/** One resource attached to the message, for the user to see. */
export interface Attachment extends Mention {
  /** Its type and size, e.g. `text/markdown, 1.2 KB`. */
  detail: string;
}

/** A URI that can be typed as part of one word (no space, no control character). */
const typableUri = (uri: string): boolean => /^[^\s\p{C}]{1,2048}$/u.test(uri);

/** The mentions in `text` of servers in `names` (others are left alone: `@user:pass` in a sentence), each once. */
export function findMentions(text: string, names: readonly string[]): Mention[] {
  const found: Mention[] = [];
  for (const match of text.matchAll(MENTION)) {
    const server = match[2] ?? '';
    // Punctuation that ends a sentence is not part of the URI.
    const uri = (match[3] ?? '').replace(/[.,;:!?)]+$/, '');
    if (!names.includes(server) || uri === '' || found.some((m) => m.server === server && m.uri === uri)) continue;
    found.push({ server, uri });
  }
  return found;
}

/**
 * Reads every mention of `text` and returns the text blocks that carry them to the model (after the
 * user's own text). A mention that cannot be read is told through `notice` and stays as typed.
 */
export async function attachMentions(
  text: string,
  servers: readonly ServerFeatures[],
  notice: (message: string) => void,
  signal?: AbortSignal,
): Promise<{ blocks: Array<TextBlock | ImageBlock>; attached: Attachment[] }> {
  const mentions = findMentions(
    text,
    servers.map((s) => s.name),
  );
  if (mentions.length > MENTIONS_MAX) notice(`Only the first ${MENTIONS_MAX} resources mentioned are attached; the other ${mentions.length - MENTIONS_MAX} stay as typed.`);
  const read = await Promise.all(
    mentions.slice(0, MENTIONS_MAX).map(async (mention) => {
      const server = servers.find((s) => s.name === mention.server);
      try {
        if (!server) throw new Error('no such server');
        const result = await server.readResource(mention.uri, signal);
        const parts = result.contents.map((c) => resourcePart(c, ATTACHMENT_MAX_CHARS));
        const bytes = result.contents.reduce((sum, c) => sum + contentBytes(c), 0);
        const types = [...new Set(result.contents.map((c) => c.mimeType ?? 'unknown type'))].join(', ');
        const blocks = joinTexts([{ type: 'text', text: `${ATTACHED_PREFIX}@${mention.server}:${mention.uri}]` }, ...parts.flatMap((p) => p.model)]);
        return { blocks, attachment: { ...mention, detail: `${types || 'empty'}, ${humanBytes(bytes)}` } };
      } catch (error) {
        if (signal?.aborted) throw error;
        notice(`Could not attach @${mention.server}:${mention.uri}: ${firstLine(errorMessage(error))} (left as typed)`);
        return undefined;
      }
    }),
  );
  const done = read.filter((r) => r !== undefined);
  return { blocks: done.flatMap((r) => r.blocks), attached: done.map((r) => r.attachment) };
}

/** A content's size: its text's bytes, or its binary data's once decoded. */
function contentBytes(contents: { text?: unknown; blob?: unknown }): number {
  if (typeof contents.text === 'string') return Buffer.byteLength(contents.text);
  return typeof contents.blob === 'string' ? Buffer.from(contents.blob, 'base64').length : 0;
}

/**
 * Completions for the word `typed` (without its `@`): servers that offer resources while no `:` is
 * typed, then that server's resources and, for its templates, the next part of the URI.
 */
export async function completeMention(servers: readonly ServerFeatures[], typed: string, signal?: AbortSignal): Promise<InputCompletion[]> {
  const colon = typed.indexOf(':');
  if (colon < 0) {
    return servers
      .filter((s) => s.offers().resources && s.name.toLowerCase().startsWith(typed.toLowerCase()))
      .map((s) => ({ value: `@${s.name}:`, label: `@${s.name}:`, description: 'resources', complete: false }));
  }
  const server = servers.find((s) => s.name === typed.slice(0, colon));
  if (!server?.offers().resources) return [];
  const uri = typed.slice(colon + 1);
  const { resources, templates } = await server.listResources();
  const mention = (u: string): string => `@${server.name}:${u}`;
  const listed: InputCompletion[] = resources
    .filter((r) => typableUri(r.uri) && r.uri.startsWith(uri))
    .map((r) => ({ value: mention(r.uri), label: r.name, description: [r.uri, r.mimeType].filter(Boolean).join(' · '), complete: true }));
  const fromTemplates = await Promise.all(
    templates.map(async (t) => (await completeTemplate(server, t, uri, signal).catch(() => [])).map((c) => ({ ...c, value: mention(c.value) }))),
  );
  return [...listed, ...fromTemplates.flat()];
}

type Segment = { literal: string } | { variable: string };

/** A URI template (RFC 6570, level 1 is enough here) as its literal parts and variables. */
export function templateSegments(template: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    if (match.index > at) segments.push({ literal: template.slice(at, match.index) });
    // Operators (`+`, `#`, `/`, `?` …) and lists (`a,b`): the first name is the one completed.
    const name =
      (match[1] ?? '')
        .replace(/^[+#./;?&]/, '')
        .split(',')[0]
        ?.replace(/\*$/, '') ?? '';
    segments.push({ variable: name });
    at = match.index + match[0].length;
  }
  if (at < template.length) segments.push({ literal: template.slice(at) });
  return segments;
}

/**
 * How `typed` may go on along one template: the rest of a literal part, or the server's values for
 * the variable being typed (with the literal after it, when that ends the template).
 */
async function completeTemplate(server: ServerFeatures, template: ResourceTemplate, typed: string, signal?: AbortSignal): Promise<InputCompletion[]> {
  const segments = templateSegments(template.uriTemplate);
  const describe = { label: template.name, description: template.uriTemplate };
  const known: Record<string, string> = {};
  let at = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const rest = typed.slice(at);
    if ('literal' in segment) {
      if (rest.length < segment.literal.length) {
        return segment.literal.startsWith(rest) ? [{ value: typed + segment.literal.slice(rest.length), ...describe, complete: false }] : [];
      }
      if (!rest.startsWith(segment.literal)) return [];
      at += segment.literal.length;
      continue;
    }
    const next = segments[i + 1];
    const end = next && 'literal' in next ? rest.indexOf(next.literal) : -1;
    if (end >= 0) {
      known[segment.variable] = rest.slice(0, end);
      at += end;
      continue;
    }
    const values = await server.complete(
      {
        ref: { type: 'ref/resource', uri: template.uriTemplate },
        argument: { name: segment.variable, value: rest },
        ...(Object.keys(known).length > 0 && { context: { arguments: known } }),
      },
      signal,
    );
    // What follows the variable when it is only literal text: the mention is then whole.
    const tail = segments.slice(i + 1);
    const closing = tail.every((s) => 'literal' in s) ? tail.map((s) => ('literal' in s ? s.literal : '')).join('') : undefined;
    return values.filter((v) => typableUri(v)).map((v) => ({ value: typed.slice(0, at) + v + (closing ?? ''), ...describe, complete: closing !== undefined }));
  }
  return [];
}
