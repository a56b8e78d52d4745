/**
 * Serves one Node request through the SDK's web-standard MCP handler and writes its Response back
 * (the job of `toNodeHandler` from @modelcontextprotocol/node, which this replaces). The HTTP layer
 * has already read, bounded and parsed the body, so the SDK gets it as `parsedBody`: the Request
 * carries no body to decode, clone and parse a second and third time. A body that is not JSON goes
 * along as bytes, for the SDK to answer as it always does.
 * Not responsible for Host/Origin checks, body limits, auth or the access log (http.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo, McpHandlerRequestOptions } from '@modelcontextprotocol/server';
import { sendRpcError } from './respond.js';

export type McpFetch = (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;

export interface BridgedRequest {
  /** The body as JSON, when it parsed (`undefined` is never valid JSON, so it means "not parsed"). */
  parsedBody?: unknown;
  /** The raw body, sent along only when it did not parse. */
  rawBody?: Buffer;
  authInfo?: AuthInfo;
  /** Sees the Request the SDK will hand to handlers (as `ctx.http.req`) before it is served. */
  onRequest?(request: Request): void;
  /** Told when an SSE answer (a call streaming its progress) starts (+1) and ends (-1). */
  onStream?(delta: 1 | -1): void;
}

export async function serveThroughFetch(mcp: McpFetch, req: IncomingMessage, res: ServerResponse, input: BridgedRequest, onerror: (error: Error) => void): Promise<void> {
  // The SDK cancels the exchange (and the running tool) through the Request's signal when the client goes away.
  const abort = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) abort.abort();
  });
  if (res.destroyed) abort.abort();

  let response: Response;
  try {
    const request = toRequest(req, input, abort.signal);
    input.onRequest?.(request);
    response = await mcp(request, {
      ...(input.authInfo && { authInfo: input.authInfo }),
      ...(input.parsedBody !== undefined && { parsedBody: input.parsedBody }),
    });
  } catch (error) {
    onerror(error instanceof Error ? error : new Error(String(error)));
    finished = true;
    if (!res.headersSent) sendRpcError(res, 500, -32603, 'Internal server error');
    return;
  }

  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (response.body === null) {
    finished = true;
    res.end();
    return;
  }
  const streaming = input.onStream !== undefined && headers['content-type']?.startsWith('text/event-stream') === true;
  if (streaming) input.onStream?.(1);
  try {
    await pipeBody(response.body, res, abort.signal);
  } finally {
    if (streaming) input.onStream?.(-1);
  }
  finished = true;
  res.end();
}

function toRequest(req: IncomingMessage, input: BridgedRequest, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // The SDK gets the verified AuthInfo; the credential itself stays here, out of reach of handlers (ctx.http.req).
    if (value === undefined || name.startsWith(':') || name === 'authorization') continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const body = input.parsedBody === undefined && input.rawBody?.length && method !== 'GET' && method !== 'HEAD' ? input.rawBody : undefined;
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method, headers, signal, ...(body && { body: body as Uint8Array<ArrayBuffer> }) });
}

/** Copies the SDK's stream (SSE frames, or a JSON body) to the socket, pausing while the socket's buffer is full, until the end or the client leaves. */
async function pipeBody(body: ReadableStream<Uint8Array>, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const gone = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      if (!res.write(value)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), gone]);
    }
  } catch {
    // The stream errored (the exchange was torn down): end what was sent.
  }
  if (signal.aborted) void reader.cancel().catch(() => {});
}
