import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyContextManagement, BETA_FOR, summaryOf, type Edit, type ManagedInput } from './context-rules.js';
import { estimateTokens, PromptError, promptTokens, type PromptCache } from './prompt-cache.js';

/** What the agent sent to /v1/messages. */
export interface RecordedRequest {
  /** Epoch ms of arrival. */
  at: number;
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    stream?: boolean;
    max_tokens: number;
    system?: unknown;
    tools?: Array<{ name: string; type?: string; description?: string; input_schema?: Record<string, unknown>; defer_loading?: boolean }>;
    messages: Array<{ role: 'user' | 'assistant'; content: string | Array<Record<string, unknown>> }>;
    context_management?: { edits?: Edit[] };
    compaction?: { type: 'summarize'; instructions?: string };
    tool_choice?: { type: string };
  };
}

export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> }
  /** The API's own tool search, as it streams it: the search call, then its result naming the tools found. */
  | { type: 'server_tool_use'; id: string; name: 'tool_search_tool_bm25' | 'tool_search_tool_regex'; input: Record<string, unknown> }
  | { type: 'tool_search_tool_result'; tool_use_id: string; tool_names: string[] };

/** Usage as the API reports it; the cache fields only when caching is modelled or scripted. */
export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  /** Per iteration: a compaction's own usage, then the message's. */
  iterations?: Array<{ type: 'compaction' | 'message'; input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }>;
}

/** A streamed reply: content blocks, then stop reason and usage. */
export interface StreamReply {
  kind: 'stream';
  content: ScriptedBlock[];
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'compaction';
  usage?: ScriptedUsage;
}

/** A compaction block as the API streams it (prepended by the stand-in itself when its context management compacts). */
type CompactionBlock = { type: 'compaction'; content: string; encrypted_content: string };

/** An HTTP error answer shaped as the API's (`{type:'error', error:{type, message}}`). */
export interface ErrorReply {
  kind: 'error';
  status: number;
  errorType: string;
  message: string;
  headers?: Record<string, string>;
}

/** The connection drops: before any answer, or after the stream has started (`midStream`, with some text shown). */
export interface CutReply {
  kind: 'cut';
  midStream?: string;
}

export type Reply = StreamReply | ErrorReply | CutReply;
export type Script = (request: RecordedRequest) => Reply | Promise<Reply>;

export const text =
  (value: string, usage?: StreamReply['usage']): Script =>
  () => ({ kind: 'stream', content: [{ type: 'text', text: value }], stopReason: 'end_turn', ...(usage && { usage }) });

export const toolUse =
  (calls: Array<{ id?: string; name: string; input: Record<string, unknown> }>, preface?: string): Script =>
  () => ({
    kind: 'stream',
    content: [...(preface ? [{ type: 'text' as const, text: preface }] : []), ...calls.map((c) => ({ type: 'tool_use' as const, ...c }))],
    stopReason: 'tool_use',
  });

/** A network cut: the socket is destroyed (after `midStream` text has streamed, when given). */
export const networkCut =
  (midStream?: string): Script =>
  () => ({ kind: 'cut', ...(midStream !== undefined && { midStream }) });

export const apiError =
  (status: number, errorType: string, message: string, headers?: Record<string, string>): Script =>
  () => ({ kind: 'error', status, errorType, message, ...(headers && { headers }) });

/** `value` without the prompt-cache breakpoints (`cache_control`), for comparing what was sent with what is expected. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'cache_control' ? undefined : v))) as T;
}

/** The tool_result blocks of a request's last message (breakpoints left out). */
export function toolResults(request: RecordedRequest): Array<{ tool_use_id: string; content: unknown; is_error?: boolean }> {
  const last = request.body.messages[request.body.messages.length - 1];
  if (!last || typeof last.content === 'string') return [];
  return plain(last.content.filter((b) => b.type === 'tool_result')) as Array<{ tool_use_id: string; content: unknown; is_error?: boolean }>;
}

export interface FakeAnthropic {
  /** Use as ANTHROPIC_BASE_URL. */
  url: string;
  readonly requests: RecordedRequest[];
  /** Bodies of the `count_tokens` requests, in order. */
  readonly countRequests: RecordedRequest['body'][];
  /** Queues replies, answered in order (one per request). */
  enqueue(...scripts: Script[]): void;
  /** Resolves once `count` requests have arrived in all. */
  waitForRequests(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Cuts a string in a few pieces so deltas really arrive in parts. */
function pieces(value: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += size) out.push(value.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

let messageCounter = 0;

function streamReply(res: ServerResponse, request: RecordedRequest, reply: StreamReply, usage: ScriptedUsage, managed?: ManagedInput): void {
  const id = `msg_test_${++messageCounter}`;
  const compaction: CompactionBlock[] = managed?.compaction ? [managed.compaction] : [];
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'request-id': `req_${id}` });
  sse(res, 'message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: request.body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  compaction.forEach((block, index) => {
    sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'compaction', content: null, encrypted_content: null } });
    sse(res, 'content_block_delta', {
      type: 'content_block_delta',
      index,
      delta: { type: 'compaction_delta', content: block.content, encrypted_content: block.encrypted_content },
    });
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  reply.content.forEach((block, at) => {
    const index = at + compaction.length;
    if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const part of pieces(block.text, 6)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } });
      }
    } else if (block.type === 'server_tool_use') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'server_tool_use', id: block.id, name: block.name, input: {} } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    } else if (block.type === 'tool_search_tool_result') {
      const content = { type: 'tool_search_tool_search_result', tool_references: block.tool_names.map((tool_name) => ({ type: 'tool_reference', tool_name })) };
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_search_tool_result', tool_use_id: block.tool_use_id, content } });
    } else {
      const toolId = block.id ?? `toolu_test_${messageCounter}_${index}`;
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolId, name: block.name, input: {} } });
      for (const part of pieces(JSON.stringify(block.input), 7)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null },
    usage: { output_tokens: usage.output_tokens, ...(usage.iterations && { iterations: usage.iterations }) },
    ...(managed?.cleared && { context_management: { applied_edits: [{ type: 'clear_tool_uses_20250919', ...managed.cleared }] } }),
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

/** Why the API would refuse this history (a tool_use not answered by a tool_result right after it), or undefined. */
function invalidHistory(body: RecordedRequest['body']): string | undefined {
  const messages = body.messages;
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    const uses = message.content.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
    if (uses.length === 0) continue;
    const next = messages[i + 1];
    const answered = new Set(next && typeof next.content !== 'string' ? next.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : []);
    const missing = uses.filter((id) => !answered.has(id));
    if (missing.length > 0) return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}`;
  }
  return undefined;
}

/** What the Models API says about one model (`GET /v1/models/{id}`). */
export interface FakeModelInfo {
  max_input_tokens: number;
  max_tokens: number;
  compaction?: boolean;
  clearToolUses?: boolean;
}

export interface FakeAnthropicOptions {
  /** Bill each streamed reply by the documented prompt-caching rules instead of fixed numbers (a scripted `usage` still wins). */
  promptCache?: PromptCache;
  /**
   * Counts input as the API would (4 characters a token) and refuses a request past this many input
   * tokens as the API does ("prompt is too long"); usage then reports the counted input.
   */
  contextWindow?: number;
  /** The Models API's answer per model id; a model not listed is a 404 (and so is every model without this). */
  models?: Record<string, FakeModelInfo>;
  /** The API refuses context management and compaction requests, as a proxy without them would. */
  noContextManagement?: boolean;
}

function modelInfo(id: string, info: FakeModelInfo): Record<string, unknown> {
  const supported = (yes: boolean | undefined) => ({ supported: yes === true });
  return {
    type: 'model',
    id,
    display_name: id,
    created_at: '2026-06-01T00:00:00Z',
    max_input_tokens: info.max_input_tokens,
    max_tokens: info.max_tokens,
    capabilities: {
      context_management: {
        supported: info.compaction === true || info.clearToolUses === true,
        compact_20260112: supported(info.compaction),
        clear_tool_uses_20250919: supported(info.clearToolUses),
        clear_thinking_20251015: supported(false),
      },
    },
  };
}

/** Why the API would refuse this request's context management (a missing beta, or none offered here), or undefined. */
function contextManagementProblem(body: RecordedRequest['body'], betas: string[], refuse: boolean): string | undefined {
  const wanted = [...(body.context_management?.edits ?? []).map((e) => e.type), ...(body.compaction ? ['compaction'] : [])];
  if (wanted.length === 0) return undefined;
  if (refuse) return 'context_management: Extra inputs are not permitted';
  if (body.compaction && body.context_management) return 'compaction cannot be combined with context_management';
  const missing = wanted.filter((type) => !betas.includes(BETA_FOR[type] ?? type));
  return missing.length > 0 ? `${missing.join(', ')} requires the anthropic-beta header ${missing.map((t) => BETA_FOR[t]).join(', ')}` : undefined;
}

/**
 * A local stand-in for the Anthropic Messages API (`POST /v1/messages`, SSE streaming) on
 * 127.0.0.1:0, reached by the real SDK through ANTHROPIC_BASE_URL. Replies are scripted per
 * request; every request is recorded. A request with nothing queued gets a 500; a history the API
 * would refuse (a dangling tool_use, more than four cache breakpoints) gets its 400.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const countRequests: RecordedRequest['body'][] = [];
  const queue: Script[] = [];
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const refuse = (status: number, type: string, message: string): void => {
          res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type, message } }));
        };
        const modelId = req.method === 'GET' ? /^\/v1\/models\/([^/?]+)/.exec(req.url ?? '')?.[1] : undefined;
        if (modelId !== undefined) {
          const info = options.models?.[decodeURIComponent(modelId)];
          if (!info) refuse(404, 'not_found_error', `model: ${modelId}`);
          else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(modelInfo(decodeURIComponent(modelId), info)));
          return;
        }
        if (req.method === 'POST' && req.url?.startsWith('/v1/messages/count_tokens')) {
          countRequests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body']);
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ input_tokens: promptTokens(countRequests.at(-1) as RecordedRequest['body']) }));
          return;
        }
        if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
          refuse(404, 'not_found_error', req.url ?? '');
          return;
        }
        const request: RecordedRequest = { at: Date.now(), headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'] };
        requests.push(request);
        waiters.forEach((w) => w());
        const invalid = invalidHistory(request.body);
        const betas = String(req.headers['anthropic-beta'] ?? '')
          .split(',')
          .map((b) => b.trim());
        const unmanaged = invalid ?? contextManagementProblem(request.body, betas, options.noContextManagement === true);
        if (unmanaged) {
          refuse(400, 'invalid_request_error', unmanaged);
          return;
        }
        const managed = options.contextWindow !== undefined || options.models !== undefined ? applyContextManagement(request.body) : undefined;
        if (options.contextWindow !== undefined && managed && managed.inputTokens > options.contextWindow) {
          refuse(400, 'invalid_request_error', `prompt is too long: ${managed.inputTokens} tokens > ${options.contextWindow} maximum`);
          return;
        }
        const counted = (inputTokens: number) => ({ input_tokens: inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
        if (request.body.compaction) {
          // A compaction request: the reply is the block alone, whatever is queued.
          const block = { type: 'compaction' as const, content: summaryOf(request.body), encrypted_content: 'opaque-compaction' };
          streamReply(
            res,
            request,
            { kind: 'stream', content: [], stopReason: 'compaction' },
            { ...counted(managed?.before ?? 10), output_tokens: 50 },
            { before: 0, inputTokens: 0, compaction: block },
          );
          return;
        }
        let cached: ReturnType<PromptCache['usage']> | undefined;
        try {
          cached = options.promptCache?.usage(request.body);
        } catch (error) {
          if (!(error instanceof PromptError)) throw error;
          res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: error.message } }));
          return;
        }
        const script = queue.shift();
        const reply: Reply = script ? await script(request) : { kind: 'error', status: 500, errorType: 'api_error', message: 'no scripted reply left' };
        if (reply.kind === 'cut') {
          if (reply.midStream !== undefined) {
            res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
            sse(res, 'message_start', {
              type: 'message_start',
              message: {
                id: 'msg_cut',
                type: 'message',
                role: 'assistant',
                model: request.body.model,
                content: [],
                stop_reason: null,
                stop_sequence: null,
                usage: { input_tokens: 1, output_tokens: 1 },
              },
            });
            sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
            sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.midStream } });
            // Let the text reach the client before the line goes dead.
            await new Promise<void>((resolve) => res.write('', () => resolve()));
          }
          res.socket?.destroy();
          return;
        }
        if (reply.kind === 'error') {
          res
            .writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers })
            .end(JSON.stringify({ type: 'error', error: { type: reply.errorType, message: reply.message } }));
          return;
        }
        const output = reply.content.reduce((n, b) => n + estimateTokens(JSON.stringify(b)), 0);
        const compactionUsage = managed?.compaction && {
          iterations: [
            { type: 'compaction' as const, ...counted(managed.before), output_tokens: 200 },
            { type: 'message' as const, ...counted(managed.inputTokens), output_tokens: output },
          ],
        };
        const usage: ScriptedUsage =
          reply.usage ??
          (cached
            ? { ...cached, output_tokens: output }
            : managed
              ? { ...counted(managed.inputTokens), output_tokens: output, ...compactionUsage }
              : { input_tokens: 10, output_tokens: 5 });
        streamReply(res, request, reply, usage, managed);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    countRequests,
    enqueue: (...scripts) => queue.push(...scripts),
    waitForRequests: (count) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (requests.length < count) return;
          waiters.delete(check);
          resolve(requests.slice(0, count));
        };
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
