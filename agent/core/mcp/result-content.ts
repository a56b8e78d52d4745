import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/client';
import { errorMessage, firstLine } from '../../../config/error-text.js';
import type { ImageBlock, TextBlock } from '../model/types.js';

/**
 * An MCP tool result as the model gets it (text and image blocks) and as the user sees it (the
 * text plus a one-line summary per non-text part).
 *
 * Responsible for: mapping each MCP content kind (text, image, audio, embedded resource, resource
 * link, structured content) to what Claude accepts, with size caps and a note when something is
 * dropped; reading resource links through the `readResource` it is given.
 * Not responsible for: terminal safety (the registry sanitises what it stores), nor calling tools.
 */

/** The Messages API refuses images above 5 MB (base64 text length is what it counts). */
export const IMAGE_MAX_BASE64 = 5 * 1024 * 1024;
/** Text read from a resource link, per link: more than this is cut with a note. */
export const LINK_TEXT_MAX_CHARS = 100_000;
/** Resource links read per result; the rest are only named. */
export const LINKS_READ_MAX = 5;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

type ModelBlock = TextBlock | ImageBlock;
type ResourceContents = ReadResourceResult['contents'][number];

export interface ModelResult {
  /** What goes into the tool_result for the model. */
  blocks: ModelBlock[];
  /** The text for the pane and print mode: text parts as they are, other parts as one summary line each. */
  display: string;
}

export interface ResultContentOptions {
  /** `resources/read` on the server that produced the result; absent when it has no resources. */
  readResource?: (uri: string) => Promise<ReadResourceResult>;
}

/** Size of base64 data once decoded, in a short human form. */
function decodedSize(base64: string): string {
  const bytes = Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
  return humanBytes(bytes);
}

export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[cut: ${text.length - max} more characters not shown]` : text;
}

/** An image the model accepts: a PNG, JPEG, GIF or WebP no larger than the API takes. */
function acceptedImage(mimeType: string, base64: string): ImageBlock | undefined {
  if (!IMAGE_TYPES.has(mimeType) || base64.length > IMAGE_MAX_BASE64) return undefined;
  return { type: 'image', source: { type: 'base64', media_type: mimeType as ImageBlock['source']['media_type'], data: base64 } };
}

/**
 * One part of a resource (embedded, read from a link or attached by the user): its text, an image
 * the model accepts (after a line naming it), or a description of other binary data.
 */
export function resourcePart(contents: ResourceContents, maxChars: number): { model: ModelBlock[]; summary: string } {
  const mime = contents.mimeType ?? 'unknown type';
  if ('text' in contents && typeof contents.text === 'string') {
    return {
      model: [{ type: 'text', text: `[resource ${contents.uri} (${mime})]\n${cut(contents.text, maxChars)}` }],
      summary: `[resource ${contents.uri}: text, ${mime}, ${humanBytes(Buffer.byteLength(contents.text))}]`,
    };
  }
  const blob = 'blob' in contents && typeof contents.blob === 'string' ? contents.blob : '';
  const image = acceptedImage(mime, blob);
  if (image) return { model: [{ type: 'text', text: `[resource ${contents.uri} (${mime})]` }, image], summary: `[resource ${contents.uri}: image, ${mime}, ${decodedSize(blob)}]` };
  const line = `[resource ${contents.uri}: binary, ${mime}, ${decodedSize(blob)}; not shown to the model]`;
  return { model: [{ type: 'text', text: line }], summary: line };
}

/** Blocks with each run of text blocks joined into one (one text per part, as the model reads best). */
export function joinTexts(blocks: readonly ModelBlock[]): ModelBlock[] {
  const out: ModelBlock[] = [];
  for (const block of blocks) {
    const last = out.at(-1);
    if (block.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: `${last.text}\n${block.text}` };
    else out.push(block);
  }
  return out;
}

/** Maps one tool result; never throws (a link that cannot be read is described instead). */
export async function toModelResult(result: CallToolResult, options: ResultContentOptions = {}): Promise<ModelResult> {
  const blocks: ModelBlock[] = [];
  const display: string[] = [];
  const text = (model: string, shown = model): void => {
    blocks.push({ type: 'text', text: model });
    display.push(shown);
  };
  let linksRead = 0;
  for (const block of result.content) {
    switch (block.type) {
      case 'text':
        text(block.text);
        break;
      case 'image': {
        const size = decodedSize(block.data);
        if (!IMAGE_TYPES.has(block.mimeType)) {
          text(`[image of type ${block.mimeType} (${size}) left out: only PNG, JPEG, GIF and WebP can be shown to the model]`);
        } else if (block.data.length > IMAGE_MAX_BASE64) {
          text(`[image ${block.mimeType} (${size}) left out: ${humanBytes(block.data.length)} encoded, over the ${humanBytes(IMAGE_MAX_BASE64)} the model accepts]`);
        } else {
          blocks.push({ type: 'image', source: { type: 'base64', media_type: block.mimeType as ImageBlock['source']['media_type'], data: block.data } });
          display.push(`[image ${block.mimeType}, ${size}]`);
        }
        break;
      }
      case 'audio':
        text(`[audio ${block.mimeType}, ${decodedSize(block.data)}; not shown to the model]`);
        break;
      case 'resource': {
        const part = resourcePart(block.resource, LINK_TEXT_MAX_CHARS);
        blocks.push(...joinTexts(part.model));
        display.push(part.summary);
        break;
      }
      case 'resource_link': {
        const label = `[resource link ${block.uri}${block.mimeType ? ` (${block.mimeType})` : ''}${block.name ? `: ${block.name}` : ''}]`;
        if (!options.readResource || linksRead >= LINKS_READ_MAX) {
          text(label);
          break;
        }
        linksRead++;
        try {
          const read = await options.readResource(block.uri);
          const parts = read.contents.map((c) => resourcePart(c, LINK_TEXT_MAX_CHARS));
          blocks.push(...joinTexts([{ type: 'text', text: label }, ...parts.flatMap((p) => p.model)]));
          display.push([label, ...parts.map((p) => p.summary)].join('\n'));
        } catch (error) {
          text(`${label}\n[could not read it: ${firstLine(errorMessage(error))}]`);
        }
        break;
      }
      default:
        text(`[${(block as { type: string }).type} content]`);
    }
  }
  if (result.structuredContent !== undefined) {
    const json = JSON.stringify(result.structuredContent);
    // Servers usually repeat structured content as text; the model needs it once.
    const repeated = blocks.some((b) => b.type === 'text' && b.text.trim() === json);
    if (!repeated) text(`structured content: ${json}`, `[structured content: ${humanBytes(Buffer.byteLength(json))} of JSON]\n${json}`);
  }
  return { blocks, display: display.join('\n') };
}
