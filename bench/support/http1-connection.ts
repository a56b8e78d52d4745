/**
 * One keep-alive HTTP/1.1 connection over a raw TCP socket, for the load generator: it sends one
 * POST at a time and hands back the status and the whole body (Content-Length or chunked). Lean on
 * purpose (no header objects, no streams, no pooling logic) so the generator costs far less CPU
 * than the servers it drives. Not a general HTTP client: no redirects, TLS, trailers or pipelining.
 */
import { connect, type Socket } from 'node:net';

export interface Http1Answer {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

export class Http1Connection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { resolve(answer: Http1Answer): void; reject(error: Error): void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** `head` is the request line and headers without Content-Length or the blank line; the body is UTF-8 text. */
  post(head: string, body: string): Promise<Http1Answer> {
    if (this.pending) return Promise.reject(new Error('one request at a time'));
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.buffered = Buffer.alloc(0);
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      try {
        this.tryComplete();
      } catch (error) {
        this.fail(error as Error);
      }
    });
    // Events of a socket this connection already let go of (closed on purpose) concern nobody.
    const lost = (error: Error): void => {
      if (this.socket === socket) this.fail(error);
    };
    socket.on('error', lost);
    socket.on('close', () => lost(new Error('connection closed by the server')));
    this.socket = socket;
    return socket;
  }

  /** Resolves the pending request once the buffer holds its complete answer. */
  private tryComplete(): void {
    const data = this.buffered;
    const headerEnd = data.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.pending) return;
    const head = data.toString('latin1', 0, headerEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    let body: Buffer[] | undefined;
    let end: number;
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    if (length) {
      end = headerEnd + 4 + Number(length[1]);
      if (data.length < end) return;
      body = [data.subarray(headerEnd + 4, end)];
    } else if (head.includes('\r\ntransfer-encoding: chunked')) {
      const chunked = readChunked(data, headerEnd + 4);
      if (!chunked) return;
      ({ body, end } = chunked);
    } else {
      return this.fail(new Error(`answer without a length: ${head.slice(0, 80)}`));
    }
    const pending = this.pending;
    this.pending = undefined;
    if (/\r\nconnection: *close/.test(head)) this.close();
    else this.buffered = data.subarray(end);
    pending.resolve({ status, body: Buffer.concat(body).toString('utf8') });
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    this.close();
    pending?.reject(error);
  }
}

/** The chunks of a complete chunked body starting at `offset`, or undefined while it is still arriving. */
function readChunked(data: Buffer, offset: number): { body: Buffer[]; end: number } | undefined {
  const body: Buffer[] = [];
  let at = offset;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    const chunkEnd = lineEnd + 2 + size;
    if (data.length < chunkEnd + 2) return undefined;
    if (size === 0) return { body, end: chunkEnd + 2 };
    body.push(data.subarray(lineEnd + 2, chunkEnd));
    at = chunkEnd + 2;
  }
}
