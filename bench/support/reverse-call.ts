/**
 * One `tools/call` of `reverse` as raw JSON-RPC over Streamable HTTP, exactly as Warden's
 * own client sends it statelessly (2026-07-28: no initialize, client info in `_meta`), with
 * a progress token, so the answer is an SSE stream of 5 progress notifications and the result.
 */

export const PROTOCOL_VERSION = '2026-07-28';
const TEXT = 'Warden benchmark: reverse me, please.';
const EXPECTED = [...TEXT].reverse().join('');
const STEPS = 5;

export const REVERSE_CALL_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL_VERSION,
  'mcp-method': 'tools/call',
  'mcp-name': 'reverse',
};

export function reverseCallBody(id: number): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name: 'reverse',
      arguments: { text: TEXT },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': PROTOCOL_VERSION,
        'io.modelcontextprotocol/clientInfo': { name: 'warden-bench', version: '1.0.0' },
        'io.modelcontextprotocol/clientCapabilities': {},
        progressToken: id,
      },
    },
  });
}

interface RpcMessage {
  id?: number;
  method?: string;
  params?: { progressToken?: number; progress?: number };
  result?: { content?: { type: string; text?: string }[]; isError?: boolean };
  error?: { message?: string };
}

/** Checks an answer completely: HTTP 200, progress 1..5 in order for this call, then the reversed text. Returns what is wrong, or undefined. */
export function checkReverseAnswer(id: number, status: number, body: string): string | undefined {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 120)}`;
  const messages: RpcMessage[] = [];
  try {
    // SSE events carry one JSON-RPC message per `data:` line (a JSON answer is one message).
    const lines = body.trimStart().startsWith('{')
      ? [body]
      : body
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5));
    for (const line of lines) if (line.trim()) messages.push(JSON.parse(line) as RpcMessage);
  } catch {
    return `unparseable answer: ${body.slice(0, 120)}`;
  }
  const progress = messages.filter((m) => m.method === 'notifications/progress' && m.params?.progressToken === id).map((m) => m.params?.progress);
  if (progress.join() !== Array.from({ length: STEPS }, (_, i) => i + 1).join()) return `progress ${progress.join(',') || 'none'} instead of 1..${STEPS}`;
  const answer = messages.find((m) => m.id === id);
  if (answer?.error) return `JSON-RPC error: ${answer.error.message ?? ''}`;
  const text = answer?.result?.content?.[0]?.text;
  if (answer?.result?.isError || text !== EXPECTED) return `wrong result: ${JSON.stringify(answer?.result ?? null).slice(0, 120)}`;
  return undefined;
}
