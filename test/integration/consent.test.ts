import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { envSignIns } from '../helpers/sign-ins.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { waitForSignInPrompt } from '../helpers/engine-status.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';

/**
 * A server answering 403 insufficient_scope with a `scope` (issue 13): the next sign-in consents
 * to the named scope in the same device code, once; asked again after that, it is an error.
 */

async function signIn(e: AgentEngine, idp: RunningDevIdp): Promise<void> {
  const signingIn = e.signIn();
  await idp.approve((await waitForSignInPrompt(e)).userCode ?? '');
  await signingIn;
}

describe('insufficient_scope with a scope: one consent, in the next sign-in', () => {
  let root: string;
  let idp: RunningDevIdp;
  let mcp: TestServer;
  let engine: AgentEngine | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'warden-consent-'));
    idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0, extraScopeNames: ['admin'], log: (line) => logs.push(line) });
    mcp = await startTestServer({ ...devIdpServerEnv(idp), AUTH_TOOL_SCOPES: 'reverse=admin', REVERSE_STEP_MS: '0' });
  });
  afterAll(async () => {
    await engine?.close();
    await mcp?.server.close();
    await idp?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the call needing admin fails with the scope named; the next sign-in asks for it and the call runs', async () => {
    const env = {
      ENTRA_CLIENT_ID: idp.clientId,
      ENTRA_AUTHORITY_HOST: idp.authorityHost,
      ENTRA_TENANT_ID: idp.tenantId,
      ENTRA_API_SCOPE: idp.apiScope,
      WARDEN_DEV_CA_FILE: idp.caFile,
      WARDEN_TOKEN_CACHE: join(root, 'agent', 'token_cache.json'),
    };
    const e = createAgentEngine(loadAgentConfig({ MCP_SERVER_URL: mcp.server.url }), { signIns: envSignIns(env) });
    engine = e;
    await e.start();
    await signIn(e, idp);
    expect(e.getStatus().connection.state).toBe('connected');

    const refused = await e.runTurn('reverse needs admin');
    expect(e.registry.get(refused.callIds[0]!)?.error).toMatch(/needs scope .*\/admin.*sign in to consent/);
    expect(e.getStatus().connection.state).toBe('sign-in-needed');

    const codesBefore = idp.stats().deviceCodeRequests;
    await signIn(e, idp);
    expect(idp.stats().deviceCodeRequests - codesBefore).toBe(1);
    const auth = e.getStatus().auth;
    expect(auth.state).toBe('signed-in');
    const turn = await e.runTurn('reverse with admin');
    expect(turn.text).toContain('"nimda htiw"');
  });
});
