import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { startTestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const CONNECTIONS = 1500;
/** What each slow client sends of its announced 1 MiB before it stalls. */
const SENT_BYTES = 192 * 1024;
/** Peak RSS growth allowed under the flood: the bodies sent add up to 288 MB; an unbounded server held all of it. */
const BOUND_MB = 100;

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

interface SlowClient {
  socket: Socket;
  /** Resolves with the status line of the answer, or 'closed' when the server closed without one. */
  answer: Promise<string>;
}

/** A client that announces a 1 MiB JSON body without a token, sends SENT_BYTES of it, and stalls. */
function slowBody(origin: URL): SlowClient {
  const socket = connect(Number(origin.port), origin.hostname);
  const answer = new Promise<string>((resolve) => {
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      received += data;
      const line = /^HTTP\/1\.1 \d+/.exec(received)?.[0];
      if (line) resolve(line);
    });
    socket.on('error', () => resolve('closed'));
    socket.on('close', () => resolve('closed'));
  });
  socket.write(
    `POST /mcp HTTP/1.1\r\nHost: ${origin.host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${1024 * 1024}\r\n\r\n`,
  );
  socket.write(Buffer.alloc(SENT_BYTES, 0x20));
  return { socket, answer };
}

async function flood(cli: CliProcess, url: string, settle: (answers: string[]) => boolean): Promise<{ answers: string[]; growthMb: number }> {
  const pid = cli.child.pid as number;
  const origin = new URL(url);
  const before = memory(pid);
  const clients = Array.from({ length: CONNECTIONS }, () => slowBody(origin));
  const answers: string[] = [];
  // Every client is answered or closed, except those the test accepts as still held (public tools: the budget's few).
  await new Promise<void>((resolve) => {
    let settled = 0;
    for (const client of clients)
      void client.answer.then((a) => {
        answers.push(a);
        settled++;
        if (settled === clients.length || settle(answers)) resolve();
      });
  });
  const after = memory(pid);
  for (const client of clients) client.socket.destroy();
  console.info(`slow bodies: RSS ${before.rss.toFixed(0)} MB before, peak ${after.peak.toFixed(0)} MB`);
  return { answers, growthMb: after.peak - before.rss };
}

describe(`${CONNECTIONS} slow bodies without a token against \`warden serve\` (auth on)`, () => {
  let minter: TokenMinter;
  beforeAll(async () => {
    minter = await startTokenMinter();
  });
  afterAll(async () => {
    await minter.close();
  });
  const env = () => ({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, REVERSE_STEP_MS: '0', MCP_MAX_CONNECTIONS: '2000' });

  it('without public tools: every one gets 401 before its body is read, and memory stays bounded', { timeout: 60_000 }, async () => {
    const cli = startCli(['serve', '--port', '0'], { env: env() });
    try {
      const url = (await cli.waitFor(/listening on (http:\/\/\S+\/mcp)/, 'stdout'))[1] as string;
      const { answers, growthMb } = await flood(cli, url, () => false);
      expect(answers.filter((a) => a === 'HTTP/1.1 401')).toHaveLength(CONNECTIONS);
      expect(growthMb).toBeLessThan(BOUND_MB);
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('with a public tool: bodies read without a token share a 16 MiB budget (503 past it) under a connection cap', { timeout: 60_000 }, async () => {
    const cli = startCli(['serve', '--port', '0'], { env: { ...env(), AUTH_PUBLIC_TOOLS: 'reverse', MCP_MAX_CONNECTIONS: '1000' } });
    try {
      const url = (await cli.waitFor(/listening on (http:\/\/\S+\/mcp)/, 'stdout'))[1] as string;
      // 16 bodies fit the budget and stay held (the 30 s request timeout would end them): everyone else is answered.
      const { answers, growthMb } = await flood(cli, url, (a) => a.length >= CONNECTIONS - 16);
      const busy = answers.filter((a) => a === 'HTTP/1.1 503').length;
      const dropped = answers.filter((a) => a === 'closed').length;
      // Each 503 closes its connection, so the cap is rarely reached: past it, a connection is closed unanswered.
      expect(busy + dropped).toBeGreaterThanOrEqual(CONNECTIONS - 16);
      expect(busy).toBeGreaterThan(0);
      expect(growthMb).toBeLessThan(BOUND_MB);
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });
});

describe('the connection cap (MCP_MAX_CONNECTIONS)', () => {
  it('closes connections past the cap at once, and takes new ones when others leave', async () => {
    const t = await startTestServer({ MCP_MAX_CONNECTIONS: '3' }, { noAuth: true });
    const origin = new URL(t.server.origin);
    const open = () => {
      const socket = connect(Number(origin.port), origin.hostname);
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      return { socket, closed, connected: new Promise<void>((resolve) => socket.on('connect', () => resolve())) };
    };
    try {
      const held = [open(), open(), open()];
      await Promise.all(held.map((c) => c.connected));
      // The server counts a connection once it has accepted it: a request on each makes sure all three are counted.
      const answered = held.map((c) => new Promise<void>((resolve) => c.socket.once('data', () => resolve())));
      for (const c of held) c.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${origin.host}\r\n\r\n`);
      await Promise.all(answered);
      const extra = open();
      await extra.closed;
      expect(extra.socket.bytesRead).toBe(0);
      held[0]?.socket.destroy();
      await held[0]?.closed;
      await expect.poll(async () => (await fetch(`${t.server.origin}/healthz`, { headers: { Connection: 'close' } })).status).toBe(200);
    } finally {
      await t.server.close();
    }
  });
});
