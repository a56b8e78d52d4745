import type { JSONRPCMessage, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

/** Marks the error the watch puts in place of a reply that can no longer come. */
export const STREAM_LOST = 'warden-stream-lost';

/** Far more than the requests that can be in flight at once. */
const MAX_REMEMBERED = 1000;

type Send = StreamableHTTPClientTransport['send'];
type MessageHandler = NonNullable<StreamableHTTPClientTransport['onmessage']>;

function requestId(message: JSONRPCMessage): string | number | undefined {
  return 'method' in message && 'id' in message ? message.id : undefined;
}

function responseId(message: JSONRPCMessage): string | number | undefined {
  return !('method' in message) && 'id' in message ? message.id : undefined;
}

/**
 * The SDK leaves a request pending until its timeout when the SSE stream of its POST breaks
 * before the reply (server killed, connection cut): nothing else will ever answer it in
 * stateless mode. After `connect`, this watches each request's stream and, when one ends
 * without its reply, answers the request with a STREAM_LOST error so the call fails at once.
 */
export function watchRequestStreams(transport: StreamableHTTPClientTransport): void {
  const answered = new Set<string | number>();
  const inner = transport.onmessage;
  const deliver: MessageHandler = (message) => inner?.call(transport, message);
  transport.onmessage = (message) => {
    const id = responseId(message);
    if (id !== undefined) {
      answered.add(id);
      // Replies that came as plain JSON have no stream end to clear them: keep the set bounded.
      if (answered.size > MAX_REMEMBERED) answered.delete(answered.values().next().value as string | number);
    }
    deliver(message);
  };
  const send: Send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const id = Array.isArray(message) ? undefined : requestId(message);
    if (id === undefined) return send(message, options);
    return send(message, {
      ...options,
      onRequestStreamEnd: () => {
        options?.onRequestStreamEnd?.();
        // The reply, when it came, was delivered before its stream ended.
        if (answered.delete(id)) return;
        deliver({ jsonrpc: '2.0', id, error: { code: -32000, message: 'the connection to the MCP server was lost during the call', data: { reason: STREAM_LOST } } });
      },
    });
  };
}
