/**
 * The agent against a rate-limited Warden server (RATE_LIMIT_PER_MINUTE): a 429's Retry-After is
 * waited out once, and a second 429 is reported in one line. The server's clock is the test's, so
 * its bucket refills only when the test says.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { honouringRetryAfter, MAX_WAIT_MS, retryAfterMs } from '../../agent/core/mcp/retry-after.js';
import { MintingAuthenticator } from '../helpers/minting-authenticator.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { fixedSignIns } from '../helpers/sign-ins.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const PER_MINUTE = 60;
const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'reverse', arguments: { text: 'x' } } });

describe('the agent meets a rate limit', () => {
  let minter: TokenMinter;
  let mcp: TestServer;
  let engine: AgentEngine;
  let clock = Date.now();

  /** Uses up the caller's bucket with calls of its own (same tenant, subject and client as the agent's token). */
  const exhaust = async (): Promise<void> => {
    const token = await minter.mint();
    for (;;) {
      const res = await fetch(mcp.server.url, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${token}` }, body: call });
      await res.text();
      if (res.status === 429) return;
    }
  };
  const refusals = () => mcp.logger.events('request').filter((r) => r.status === 429).length;

  beforeAll(async () => {
    minter = await startTokenMinter();
    mcp = await startTestServer(
      { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) },
      {},
      { now: () => clock },
    );
    engine = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }), { signIns: fixedSignIns(new MintingAuthenticator(minter, { signedIn: true })) });
    await engine.start();
  });
  afterAll(async () => {
    await engine.close();
    await mcp.server.close();
    await minter.close();
  });

  it('waits out Retry-After once and the call goes through', { timeout: 20_000 }, async () => {
    await exhaust();
    const before = refusals();
    const turn = engine.runTurn('reverse patience');
    // The agent's call was refused (Retry-After: 1); a second later the bucket has one call again.
    await mcp.logger.waitFor(() => refusals() > before);
    clock += 1000;
    const result = await turn;
    expect(result.text).toContain('"ecneitap"');
    expect(refusals()).toBe(before + 1);
  });

  it('reports a second 429 in one line, naming the server and the limit', { timeout: 20_000 }, async () => {
    await exhaust();
    const before = refusals();
    const result = await engine.runTurn('reverse never');
    expect(refusals()).toBe(before + 2);
    const record = engine.registry.get(result.callIds[0] as string);
    expect(record?.status).toBe('error');
    expect(record?.error).toBe(
      `the MCP server at ${mcp.server.url} is rate-limiting calls (HTTP 429): rate limit: at most ${PER_MINUTE} tool calls per minute for this caller; try again in 1 s`,
    );
  });
});

describe('honouringRetryAfter (a fetch that waits out one 429)', () => {
  let server: Server;
  let url: string;
  const answers: { status: number; retryAfter?: string }[] = [];
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.retryAfter !== undefined ? { 'Retry-After': answer.retryAfter } : {}).end(String(answer.status));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = async (...queued: { status: number; retryAfter?: string }[]) => {
    answers.splice(0, answers.length, ...queued);
    requests = 0;
    const waits: number[] = [];
    const fetch = honouringRetryAfter(undefined, { sleep: async (ms) => void waits.push(ms) });
    const res = await fetch(url, { method: 'POST', body: '{}' });
    return { status: res.status, waits, requests };
  };

  it('sends again once after the wait, and never a third time', async () => {
    expect(await run({ status: 429, retryAfter: '20' })).toEqual({ status: 200, waits: [20_000], requests: 2 });
    expect(await run({ status: 429, retryAfter: '1' }, { status: 429, retryAfter: '1' })).toEqual({ status: 429, waits: [1000], requests: 2 });
  });

  it('does not wait without a Retry-After, or for longer than a minute', async () => {
    expect(await run({ status: 429 })).toEqual({ status: 429, waits: [], requests: 1 });
    expect(await run({ status: 429, retryAfter: String(MAX_WAIT_MS / 1000 + 1) })).toEqual({ status: 429, waits: [], requests: 1 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(new Date(1_000_000 + 5000).toUTCString(), 1_000_000)).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
