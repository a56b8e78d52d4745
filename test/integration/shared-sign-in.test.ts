import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSignInService } from '../../agent/commands/server-sign-in.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgentEngine } from '../../agent/core/engine.js';
import type { AgentEngine, SessionStatus } from '../../agent/core/engine-types.js';
import type { HttpServerConfig } from '../../agent/core/host/server-config.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

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
  close(): Promise<void>;
}

/** Forwards everything to `target` and keeps the `aud` of each bearer token it passed on. */
async function recordingProxy(target: string): Promise<Recorder> {
  const upstream = new URL(target);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) seen.push(String(decodeJwt(bearer).aud));
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
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function waitForStatus(engine: AgentEngine, match: (s: SessionStatus) => boolean): Promise<SessionStatus> {
  return new Promise((resolve) => {
    const check = (): void => {
      const status = engine.getStatus();
      if (!match(status)) return;
      unsubscribe();
      resolve(status);
    };
    const unsubscribe = engine.subscribeStatus(check);
    check();
  });
}

let root: string;
let idp: RunningDevIdp;
let reverse: TestServer;
let forecast: TestServer;
let reverseProxy: Recorder;
let forecastProxy: Recorder;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-shared-'));
  idp = await startDevIdp({ port: 0, dataDir: join(root, 'idp'), pollIntervalSeconds: 0, otherApis: [{ audience: `api://${FORECAST_API}`, scopeNames: ['forecast.read'] }] });
  const common = { ENTRA_TENANT_ID: idp.tenantId, ENTRA_AUTHORITY_HOST: idp.authorityHost, WARDEN_DEV_CA_FILE: idp.caFile, REVERSE_STEP_MS: '0' };
  reverse = await startTestServer({ ...common, ENTRA_API_AUDIENCE: idp.tokenAudience });
  forecast = await startTestServer({ ...common, ENTRA_API_AUDIENCE: FORECAST_API, AUTH_REQUIRED_SCOPES: 'forecast.read' });
  reverseProxy = await recordingProxy(reverse.server.url);
  forecastProxy = await recordingProxy(forecast.server.url);
});
afterAll(async () => {
  await reverseProxy?.close();
  await forecastProxy?.close();
  await reverse?.server.close();
  await forecast?.server.close();
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('two Entra servers with different scopes share one sign-in', () => {
  it('one device code; each server then gets a token for its own API and scope', async () => {
    const env = { ENTRA_CLIENT_ID: idp.clientId, ENTRA_AUTHORITY_HOST: idp.authorityHost, ENTRA_TENANT_ID: idp.tenantId, WARDEN_DEV_CA_FILE: idp.caFile, WARDEN_TOKEN_CACHE: join(root, 'agent', 'token_cache.json') };
    const server = (name: string, url: string, scope: string): HttpServerConfig => ({ name, source: { kind: 'flag', file: 'servers.json' }, type: 'http', url, headers: {}, auth: { kind: 'entra', scope }, trust: 'all' });
    const servers = [server('reverse', reverseProxy.url, idp.apiScope), server('forecast', forecastProxy.url, `api://${FORECAST_API}/forecast.read`)];
    const config = loadAgentConfig({});
    config.servers = servers;
    const services = new Map(servers.map((s) => [s.name, serverSignInService(s, { env })]));
    const e = createAgentEngine(config, { env, authenticatorFor: (s) => services.get(s.name)!.createAuthenticator, gateFor: (s) => services.get(s.name)!.gate });
    try {
      await e.start();
      expect(e.getStatus().servers.map((s) => s.connection.state)).toEqual(['sign-in-needed', 'sign-in-needed']);

      const signingIn = e.signIn();
      const prompted = await waitForStatus(e, (s) => s.servers.some((x) => x.auth.state === 'signing-in' && x.auth.prompt !== undefined));
      const prompt = prompted.servers.map((x) => (x.auth.state === 'signing-in' ? x.auth.prompt : undefined)).find(Boolean);
      await idp.approve(prompt?.userCode ?? '');
      await signingIn;
      await waitForStatus(e, (s) => s.servers.every((x) => x.connection.state === 'connected'));

      expect(idp.stats().deviceCodeRequests).toBe(1);
      // Each server was sent tokens for its own API only.
      expect(reverseProxy.audiences()).toEqual([idp.tokenAudience]);
      expect(forecastProxy.audiences()).toEqual([FORECAST_API]);
    } finally {
      await e.close();
    }
  });
});
