import { createHash } from 'node:crypto';

/**
 * The Messages API's documented prompt-caching rules, as a model a local stand-in can bill by:
 *
 * - the prompt is the sequence tools → system → messages, block by block; `cache_control` marks
 *   a breakpoint (at most 4; more is a 400, as the API answers);
 * - a request reads the longest cached prefix that ends at one of its breakpoints or at a block up
 *   to 20 blocks before one (the API's lookback), if that entry has not expired;
 * - it writes an entry at each breakpoint whose prefix holds at least the model's minimum
 *   cacheable length (1,024 tokens for Sonnet and Opus); the tokens after the hit up to the last
 *   such breakpoint are cache writes, billed at 1.25× (5-minute TTL) or 2× (1-hour), the rest is
 *   input; a hit refreshes its entry's TTL;
 * - `cache_control` itself is not content (moving a breakpoint changes no prefix), and a deferred
 *   tool (`defer_loading`) is not in the prompt until a tool search result references it;
 * - a compaction block stands for everything before it: earlier message blocks are dropped.
 *
 * Tokens are estimated at 4 characters each (the rules, not the tokenizer, are what is modelled).
 */

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export interface PromptCacheOptions {
  /** Epoch ms; a bench advances a virtual clock to model pauses between rounds. */
  now?: () => number;
  /** The model's minimum cacheable prompt length, in tokens. */
  minTokens?: number;
}

interface PromptBlock {
  text: string;
  ttl?: '5m' | '1h';
}

type Json = Record<string, unknown>;

const LOOKBACK = 20;
const MAX_BREAKPOINTS = 4;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** A request the API would refuse, with its message. */
export class PromptError extends Error {}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

function withoutCacheControl(value: Json): { json: string; ttl?: '5m' | '1h' } {
  const { cache_control: mark, ...rest } = value as Json & { cache_control?: { ttl?: '5m' | '1h' } };
  return { json: JSON.stringify(rest), ...(mark && { ttl: mark.ttl ?? '5m' }) };
}

/** A Messages API request body, as much of it as the cache reads. */
export interface PromptBody {
  tools?: readonly unknown[];
  system?: unknown;
  messages: ReadonlyArray<{ role: string; content?: unknown }>;
}

/** The prompt as the model reads it, one entry per block, in order. */
export function promptBlocks(body: PromptBody): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  const definitions = new Map<string, string>();
  for (const tool of (body.tools ?? []) as Json[]) {
    const { json, ttl } = withoutCacheControl(tool);
    if (tool.defer_loading === true) definitions.set(String(tool.name), json);
    else blocks.push({ text: json, ...(ttl && { ttl }) });
  }
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : ((body.system as Json[] | undefined) ?? []);
  for (const block of system) {
    const { json, ttl } = withoutCacheControl(block);
    blocks.push({ text: `system:${json}`, ...(ttl && { ttl }) });
  }
  const all = body.messages.flatMap((message) =>
    (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : ((message.content ?? []) as Json[])).map((block) => ({ role: message.role, block })),
  );
  const compacted = all.findLastIndex(({ block }) => block.type === 'compaction' && typeof block.content === 'string');
  for (const { role, block } of all.slice(Math.max(0, compacted))) {
    const { json, ttl } = withoutCacheControl(block);
    // A tool search result loads the definitions it references into the context at this point.
    const loaded =
      block.type === 'tool_search_tool_result'
        ? (((block.content as Json | undefined)?.tool_references as Json[] | undefined) ?? []).map((r) => definitions.get(String(r.tool_name)) ?? '').join('')
        : '';
    blocks.push({ text: `${role}:${json}${loaded}`, ...(ttl && { ttl }) });
  }
  return blocks;
}

/** The request's input tokens as this model counts them (compaction-aware, deferred tools left out). */
export function promptTokens(body: PromptBody): number {
  return promptBlocks(body).reduce((n, b) => n + estimateTokens(b.text), 0);
}

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttl: '5m' | '1h' }>();
  private readonly now: () => number;
  private readonly minTokens: number;

  constructor(options: PromptCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.minTokens = options.minTokens ?? 1024;
  }

  /** Bills one request by the rules above, and updates the cache as the API would. */
  usage(body: PromptBody): CacheUsage {
    const blocks = promptBlocks(body);
    const breakpoints = blocks.flatMap((b, i) => (b.ttl ? [i] : []));
    if (breakpoints.length > MAX_BREAKPOINTS) throw new PromptError(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints.length}.`);
    const now = this.now();
    const hashes: string[] = [];
    const tokens: number[] = [];
    let hash = '';
    let total = 0;
    for (const block of blocks) {
      hash = createHash('sha256').update(hash).update(block.text).digest('hex');
      total += estimateTokens(block.text);
      hashes.push(hash);
      tokens.push(total);
    }
    const alive = (i: number): boolean => {
      const entry = this.entries.get(hashes[i] ?? '');
      return entry !== undefined && entry.expiresAt > now;
    };
    // The longest prefix cached at (or within the lookback of) a breakpoint.
    let hit = -1;
    for (const b of breakpoints) {
      for (let i = b; i >= Math.max(0, b - LOOKBACK + 1); i--) {
        if (alive(i)) {
          hit = Math.max(hit, i);
          break;
        }
      }
    }
    if (hit >= 0) {
      const entry = this.entries.get(hashes[hit] ?? '');
      if (entry) entry.expiresAt = now + TTL_MS[entry.ttl];
    }
    const read = hit >= 0 ? (tokens[hit] ?? 0) : 0;
    const written = { '5m': 0, '1h': 0 };
    let covered = read;
    for (const b of breakpoints) {
      const ttl = blocks[b]?.ttl ?? '5m';
      const upTo = tokens[b] ?? 0;
      if (upTo < this.minTokens) continue;
      this.entries.set(hashes[b] ?? '', { expiresAt: now + TTL_MS[ttl], ttl });
      if (b > hit && upTo > covered) {
        written[ttl] += upTo - covered;
        covered = upTo;
      }
    }
    const creation = written['5m'] + written['1h'];
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
    };
  }
}
