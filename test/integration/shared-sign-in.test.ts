import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine } from '../../agent/core/engine-types.js';
import type { HttpServerConfig } from '../../agent/core/host/server-config.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { waitForStatus } from '../helpers/engine-status.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';
import { envSignIns } from '../helpers/sign-ins.js';

/**
 * Two `entra` servers with different APIs (audiences) and scopes, configured side by side, share
 * one sign-in: one device-code approval, then each server gets a token for its own API only (the
 * shared account's refresh token redeemed per scope, as Entra does for APIs an administrator
 * consented to). A recording proxy in front of each server shows the `aud` it was sent.
 */

const FORECAST_API = '00000000-de70-4000-8000-00000000f0ca';

interface Recorder {
  url: string;
  audiences(): string[];
  /** The `scp` of each token it passed on. */
  scopes(): string[];
  close(): Promise<void>;
}

/** Forwards everything to `target` and keeps the `aud` of each bearer token it passed on. */
async function recordingProxy(target: string): Promise<Recorder> {
  const upstream = new URL(target);
  const seen: string[] = [];
  const scp: string[] = [];
  const server: Server = createServer((req, res) => {
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const claims = decodeJwt(bearer);
      seen.push(String(claims.aud));
      scp.push(String(claims.scp));
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`,
    audiences: () => [...new Set(seen)],
    scopes: () => [...new Set(scp)],
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let root: string;
let idp: RunningDevIdp;
let reverse: TestServer;
let forecast: TestServer;
let reverseProxy: Recorder;
let forecastProxy: Recorder;
let admin: TestServer;
let adminProxy: Recorder;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-shared-'));
  idp = await startDevIdp({
    port: 0,
    dataDir: join(root, 'idp'),
    pollIntervalSeconds: 0,
    extraScopeNames: ['admin'],
    otherApis: [{ audience: `api://${FORECAST_API}`, scopeNames: ['forecast.read'] }],
  });
  reverse = await startTestServer({ ...devIdpServerEnv(idp), REVERSE_STEP_MS: '0' });
  forecast = await startTestServer({ ...devIdpServerEnv(idp, FORECAST_API), AUTH_REQUIRED_SCOPES: 'forecast.read', REVERSE_STEP_MS: '0' });
  admin = await startTestServer({ ...devIdpServerEnv(idp), AUTH_REQUIRED_SCOPES: 'admin', REVERSE_STEP_MS: '0' });
  reverseProxy = await recordingProxy(reverse.server.url);
  adminProxy = await recordingProxy(admin.server.url);
  forecastProxy = await recordingProxy(forecast.server.url);
});
afterAll(async () => {
  await reverseProxy?.close();
  await adminProxy?.close();
  await admin?.server.close();
  await forecastProxy?.close();
  await reverse?.server.close();
  await forecast?.server.close();
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

const server = (name: string, url: string, scope: string): HttpServerConfig => ({
  name,
  source: { kind: 'flag', file: 'servers.json' },
  type: 'http',
  url,
  headers: {},
  auth: { kind: 'entra', scope },
  trust: 'all',
});

/** The chat's wiring: the sign-in directory knowing every server (chat.ts). */
function engineFor(servers: HttpServerConfig[], cache: string): AgentEngine {
  const env = {
    ENTRA_CLIENT_ID: idp.clientId,
    ENTRA_AUTHORITY_HOST: idp.authorityHost,
    ENTRA_TENANT_ID: idp.tenantId,
    WARDEN_DEV_CA_FILE: idp.caFile,
    WARDEN_TOKEN_CACHE: join(root, cache, 'token_cache.json'),
  };
  const config = loadAgentConfig({});
  config.servers = servers;
  return createAgentEngine(config, { env, signIns: envSignIns(env, { servers }) });
}

/** Starts, runs the one device-code sign-in (approved at the provider) and waits until every server is connected. */
async function signInOnce(e: AgentEngine): Promise<void> {
  await e.start();
  expect(e.getStatus().servers.every((s) => s.connection.state === 'sign-in-needed')).toBe(true);
  const signingIn = e.signIn();
  const prompted = await waitForStatus(e, (s) => s.servers.some((x) => x.auth.state === 'signing-in' && x.auth.prompt !== undefined));
  const prompt = prompted.servers.map((x) => (x.auth.state === 'signing-in' ? x.auth.prompt : undefined)).find(Boolean);
  await idp.approve(prompt?.userCode ?? '');
  await signingIn;
  await waitForStatus(e, (s) => s.servers.every((x) => x.connection.state === 'connected'));
}

describe('Entra servers with different scopes share one sign-in', () => {
  it('two scopes of one API: the one device code consents to both; each server gets its scope', async () => {
    const e = engineFor([server('reverse', reverseProxy.url, idp.apiScope), server('admin', adminProxy.url, `${idp.apiAudience}/admin`)], 'same-api');
    const before = idp.stats().deviceCodeRequests;
    try {
      await signInOnce(e);
      expect(idp.stats().deviceCodeRequests - before).toBe(1);
      expect(adminProxy.scopes().some((scp) => scp.split(' ').includes('admin'))).toBe(true);
    } finally {
      await e.close();
    }
  });

  it('two APIs: one device code; each server then gets a token for its own API only', async () => {
    const e = engineFor([server('reverse', reverseProxy.url, idp.apiScope), server('forecast', forecastProxy.url, `api://${FORECAST_API}/forecast.read`)], 'two-apis');
    const before = idp.stats().deviceCodeRequests;
    try {
      await signInOnce(e);
      expect(idp.stats().deviceCodeRequests - before).toBe(1);
      // Each server was sent tokens for its own API only.
      expect(reverseProxy.audiences()).toEqual([idp.tokenAudience]);
      expect(forecastProxy.audiences()).toEqual([FORECAST_API]);
    } finally {
      await e.close();
    }
  });
});
