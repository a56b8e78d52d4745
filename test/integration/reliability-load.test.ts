import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { connectClient } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const CLIENTS = 200;
const CALLS_PER_CLIENT = 50;

interface CallOutcome {
  ok: boolean;
  /** What went wrong, for the failure message. */
  problem?: string;
}

/** One client's calls, one after another; each must return its own text reversed after progress 1..5 of 5, in order. */
async function runClient(client: Client, index: number): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  for (let call = 0; call < CALLS_PER_CLIENT; call++) {
    const text = `client ${index} call ${call} ✓`;
    const progress: string[] = [];
    try {
      const result = await client.callTool({ name: 'reverse', arguments: { text } }, { onprogress: (p) => progress.push(`${p.progress}/${p.total ?? '?'}`) });
      const answer = (result.content as { text?: string }[])[0]?.text;
      const expected = [...text].reverse().join('');
      if (result.isError || answer !== expected) outcomes.push({ ok: false, problem: `wrong answer ${JSON.stringify(answer)}` });
      else if (progress.join() !== '1/5,2/5,3/5,4/5,5/5') outcomes.push({ ok: false, problem: `progress ${progress.join() || 'none'}` });
      else outcomes.push({ ok: true });
    } catch (error) {
      outcomes.push({ ok: false, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

describe('load: 200 concurrent authenticated clients × 50 calls against `warden serve`', () => {
  let minter: TokenMinter;
  let cli: CliProcess;
  let url: string;

  beforeAll(async () => {
    minter = await startTokenMinter();
    // Its own process, as deployed: the server does not share this test's event loop.
    cli = startCli(['serve', '--port', '0'], {
      env: { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, REVERSE_STEP_MS: '0' },
    });
    url = (await cli.waitFor(/listening on (http:\/\/\S+\/mcp)/, 'stdout'))[1] as string;
  });
  afterAll(async () => {
    await cli.stop();
    await minter.close();
  });

  it('answers all 10,000 calls correctly, every progress sequence complete and in order, and logs no token', { timeout: 90_000 }, async () => {
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => minter.mint({ sub: `load-user-${i}` })));
    const clients = await Promise.all(tokens.map((token) => connectClient(url, { token })));
    try {
      const outcomes = (await Promise.all(clients.map((client, i) => runClient(client, i)))).flat();
      const failures = outcomes.filter((o) => !o.ok);
      expect(outcomes).toHaveLength(CLIENTS * CALLS_PER_CLIENT);
      expect(failures.slice(0, 5)).toEqual([]);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }

    // The server is still healthy, and its log has a line per call with no token in it. The
    // health check's own log line comes after every call's, so once it is here, all of them are.
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    await cli.waitFor(/"path":"\/healthz"/, 'stderr');
    const log = cli.stderr();
    const calls = log.split('\n').filter((line) => line.includes('"event":"request"') && line.includes('"tool":"reverse"'));
    expect(calls).toHaveLength(CLIENTS * CALLS_PER_CLIENT);
    expect(calls.every((line) => line.includes('"status":200'))).toBe(true);
    const leaked = tokens.filter((token) => log.includes(token.split('.')[2] as string));
    expect(leaked).toHaveLength(0);
  });
});
