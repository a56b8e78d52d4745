import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { API_APP_ID, startTokenMinter, TENANT_ID, type TokenMinter } from '../helpers/token-minter.js';

const CALLS = 40;
const CONCURRENCY = 4;

/** What a load balancer without sticky sessions does: every HTTP request goes to the next replica. */
function roundRobinFetch(origins: string[]): { fetch: typeof fetch; sent: () => number } {
  let next = 0;
  return {
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const origin = origins[next++ % origins.length] as string;
      return fetch(new URL(`${url.pathname}${url.search}`, origin), init);
    },
    sent: () => next,
  };
}

describe('two stateless replicas behind a round-robin balancer serve one client', () => {
  let minter: TokenMinter;
  let replicas: TestServer[];

  beforeAll(async () => {
    minter = await startTokenMinter();
    const env = { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: minter.authorityHost, REVERSE_STEP_MS: '1' };
    replicas = await Promise.all([startTestServer(env), startTestServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.server.close()));
    await minter.close();
  });

  it.each([
    ['2026-07-28 (Warden’s agent)', 'modern'],
    ['2025-06-18 (Python SDK, desktop apps)', '2025-06-18'],
  ])('a %s client: every call answered with its own progress, no session errors, both replicas used', async (_, protocol) => {
    const token = await minter.mint();
    const balancer = roundRobinFetch(replicas.map((r) => r.server.origin));
    const client =
      protocol === 'modern'
        ? new Client({ name: 'replica-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } })
        : new Client({ name: 'replica-test', version: '1.0.0' }, { supportedProtocolVersions: [protocol] });
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    // The first replica serves the URL; the balancer decides where each request really goes.
    const transport = new StreamableHTTPClientTransport(new URL(replicas[0]?.server.url as string), {
      authProvider: { token: async () => token },
      fetch: balancer.fetch,
    });
    await client.connect(transport);
    const callsBefore = replicas.map((r) => r.logger.events('request').filter((e) => e.tool === 'reverse').length);

    for (let batch = 0; batch < CALLS / CONCURRENCY; batch++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, i) => {
          const text = `${protocol} call ${batch * CONCURRENCY + i}`;
          const progress: number[] = [];
          const result = await client.callTool({ name: 'reverse', arguments: { text } }, { onprogress: (p) => progress.push(p.progress) });
          expect(result.content).toEqual([{ type: 'text', text: [...text].reverse().join('') }]);
          expect(progress).toEqual([1, 2, 3, 4, 5]);
        }),
      );
    }
    await client.close();

    expect(errors.filter((e) => /session/i.test(e.message))).toEqual([]);
    const served = replicas.map((r, i) => r.logger.events('request').filter((e) => e.tool === 'reverse').length - (callsBefore[i] ?? 0));
    expect(served.reduce((a, b) => a + b, 0)).toBe(CALLS);
    expect(served.every((n) => n >= CALLS / 4)).toBe(true);
    expect(balancer.sent()).toBeGreaterThan(CALLS);
  });
});
