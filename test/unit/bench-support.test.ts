import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTtyOut } from '../../bench/support/fake-terminal.js';
import { Http1Connection } from '../../bench/support/http1-connection.js';
import { stripAnsi } from '../../bench/support/process-timing.js';
import { describeSpread, medianInterval, percentile, slope, summarize } from '../../bench/support/stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 95)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises samples', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, min: 1, max: 3, mean: 2 });
    expect(summarize([]).p50).toBeNaN();
  });

  it('gives the median of paired ratios a 95 % interval from ranks (the binomial bounds)', () => {
    // 30 pairs: the interval runs from the 10th to the 21st smallest ratio, whatever the outliers.
    const ratios = Array.from({ length: 30 }, (_, i) => 0.9 + i / 100);
    ratios[0] = 0.1;
    ratios[29] = 9;
    expect(medianInterval(ratios)).toMatchObject({ pairs: 30, low: 0.99, high: 1.1, min: 0.1, max: 9 });
    expect(medianInterval(ratios).median).toBeCloseTo(1.04);
    // Too few pairs for an interval: the extremes stand in.
    expect(medianInterval([1.2, 0.8, 1])).toMatchObject({ median: 1, low: 0.8, high: 1.2 });
    expect(describeSpread(medianInterval(ratios), 'pairs')).toBe('95 % CI 0.99–1.10, 30 pairs');
    expect(describeSpread(medianInterval([1.2, 0.8, 1]), 'rounds')).toBe('rounds 0.80–1.20');
  });

  it('fits a least-squares slope (e.g. bytes per call)', () => {
    expect(
      slope([
        { x: 100, y: 1000 },
        { x: 200, y: 2000 },
        { x: 300, y: 3000 },
      ]),
    ).toBeCloseTo(10);
    expect(slope([{ x: 1, y: 5 }])).toBeNaN();
  });
});

describe('bench fake terminal', () => {
  it('counts the writes of one synchronous run as one frame', async () => {
    const out = new FakeTtyOut(80, 24);
    out.write('\u001B[?2026h');
    out.write('erase + frame one');
    out.write('\u001B[?2026l');
    await Promise.resolve();
    out.write('frame two');
    await Promise.resolve();
    expect(out.frames).toBe(2);
    expect(out.output()).toContain('frame one');
  });

  it('resolves a wait on the next frame that matches', async () => {
    const out = new FakeTtyOut(80, 24, 0);
    let seen = false;
    const ready = out.nextFrame((frame) => stripAnsi(frame).includes('Type a message')).then(() => (seen = true));
    out.write('\u001B[2mconnecting…\u001B[22m');
    await Promise.resolve();
    await Promise.resolve();
    expect(seen).toBe(false);
    out.write('\u001B[2mType a message, or /help\u001B[22m');
    await ready;
    expect(seen).toBe(true);
    expect(out.output()).toBe('');
  });
});

describe('bench load generator connection', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A loopback server answering each POST with `answer`, and a connection to it that counts its sockets. */
  async function serve(answer: (body: string, res: import('node:http').ServerResponse) => void): Promise<{ connection: Http1Connection; sockets: () => number }> {
    let sockets = 0;
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => answer(body, res));
    });
    server.on('connection', () => sockets++);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { connection: new Http1Connection('127.0.0.1', (server.address() as AddressInfo).port), sockets: () => sockets };
  }
  const head = 'POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n';

  it('reads chunked answers written in pieces, several calls over one kept-alive socket', async () => {
    const { connection, sockets } = await serve((body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 1; i <= 5; i++) res.write(`data: ${body}-${i}\n\n`);
      setTimeout(() => res.end('data: done ünïcode\n\n'), 1);
    });
    for (const call of ['a', 'b', 'c']) {
      const answer = await connection.post(head, call);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(`${[1, 2, 3, 4, 5].map((i) => `data: ${call}-${i}\n\n`).join('')}data: done ünïcode\n\n`);
    }
    expect(sockets()).toBe(1);
    connection.close();
  });

  it('reads Content-Length answers and error statuses, and reconnects after the server closes', async () => {
    const { connection, sockets } = await serve((body, res) => {
      const text = JSON.stringify({ echo: body });
      res.writeHead(body === 'bad' ? 401 : 200, { 'content-length': Buffer.byteLength(text), ...(body === 'bye' && { connection: 'close' }) });
      res.end(text);
    });
    expect(await connection.post(head, 'bad')).toEqual({ status: 401, body: '{"echo":"bad"}' });
    expect(await connection.post(head, 'bye')).toEqual({ status: 200, body: '{"echo":"bye"}' });
    expect(await connection.post(head, 'again')).toEqual({ status: 200, body: '{"echo":"again"}' });
    expect(sockets()).toBe(2);
    connection.close();
  });

  it('fails the call in flight when the server drops the connection', async () => {
    const { connection } = await serve((_body, res) => res.socket?.destroy());
    await expect(connection.post(head, 'x')).rejects.toThrow(/closed/);
    connection.close();
  });
});
