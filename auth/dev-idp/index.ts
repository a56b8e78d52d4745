/**
 * An embedded, Entra-shaped identity provider for development and tests: HTTPS with a
 * self-signed certificate, OpenID discovery, the device code flow, RS256 tokens in the
 * Entra v2 shape and rotating refresh tokens. NOT FOR PRODUCTION: it signs in one built-in
 * user for anyone who can reach its verification page.
 */
import type { DevServicePrincipal } from './oauth.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeLine } from '../../config/terminal-text.js';
import { loadOrCreateTlsIdentity } from './certificate.js';
import { DataDir } from './data-dir.js';
import { DeviceFlow } from './device-flow.js';
import { providerUrls } from './discovery.js';
import { KeyRing } from './keys.js';
import type { ProviderContext } from './oauth.js';
import { RefreshTokens } from './refresh-tokens.js';
import type { ApiResource } from './scopes.js';
import { createRequestHandler, listenHttps, type Listening, type Stats } from './server.js';
import type { DevUser } from './tokens.js';

export { VERIFICATION_PATH } from './discovery.js';
export type { DevUser } from './tokens.js';

/** Fixed ids, so the printed `.env` lines stay valid across restarts and data directories. Obviously not real tenants. */
export const DEV_TENANT_ID = '00000000-de70-4000-8000-000000000001';
export const DEV_CLIENT_ID = '00000000-de70-4000-8000-000000000002';
export const DEV_API_APP_ID = '00000000-de70-4000-8000-000000000003';
export const DEV_USER: DevUser = { name: 'Dev User', username: 'dev@warden.example', oid: '00000000-de70-4000-8000-000000000010' };

const STATE_FILE = 'state.json';
/** Longest log line: long enough for any event, short enough that a request cannot flood the terminal. */
const LOG_LINE_CHARS = 400;

export interface DevIdpOptions {
  /** 0 = any free port; unset = the port of the last run when it is free (so URLs and `.env` lines stay put), else any free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. URLs always say https://localhost:PORT (the certificate's name). */
  host?: string;
  /** Certificate, keys and state live here (directory 0700, files 0600). */
  dataDir: string;
  /** Access token lifetime; default 3600. */
  tokenLifetimeSeconds?: number;
  /** Refresh token lifetime; default 90 days (Entra's). */
  refreshTokenLifetimeSeconds?: number;
  /** Device code lifetime; default 900. */
  deviceCodeLifetimeSeconds?: number;
  /** `interval` of device-code responses; default 5 (tests use 1 or 0). */
  pollIntervalSeconds?: number;
  /** Who approving a code signs in as; default Dev User <dev@warden.example>. */
  user?: { name: string; username: string; oid?: string };
  tenantId?: string;
  clientId?: string;
  /** The API's App ID URI (api://<guid>) or its GUID. */
  apiAudience?: string;
  /** The API's scope name; default execute. */
  apiScopeName?: string;
  /** More scope names the API offers (consented to when asked for, e.g. after a server's insufficient_scope). */
  extraScopeNames?: string[];
  /**
   * Other APIs in the tenant (App ID URI or GUID, and scope names), consented for every user by an
   * administrator: the user's refresh token redeems for them, so one sign-in serves their servers too.
   */
  otherApis?: { audience: string; scopeNames: string[] }[];
  /** Apps that may get app tokens with the client_credentials grant (certificate or federated credential). */
  servicePrincipals?: DevServicePrincipal[];
  /** Clock (epoch ms) for token times and code expiry; default Date.now. */
  now?: () => number;
  /**
   * One line per event (codes issued, approvals, refusals). Never receives tokens or device codes. Lines are
   * terminal-safe (controls and escape sequences removed, length capped): they quote what requests sent.
   */
  log?: (line: string) => void;
}

export interface RunningDevIdp {
  /** https://localhost:PORT — ENTRA_AUTHORITY_HOST. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  /** api://<guid>: the App ID URI, the prefix of the scope clients request. */
  apiAudience: string;
  /** The `aud` its v2 access tokens carry (the bare app id) — ENTRA_API_AUDIENCE. */
  tokenAudience: string;
  /** api://<guid>/execute — ENTRA_API_SCOPE. */
  apiScope: string;
  /** https://localhost:PORT/<tenant>/v2.0 */
  issuer: string;
  jwksUri: string;
  /** The self-signed certificate (PEM) clients must trust — WARDEN_DEV_CA_FILE. */
  caFile: string;
  /** Where a user approves a device code (https://localhost:PORT/devicelogin). */
  verificationUri: string;
  /** ENTRA_AUTHORITY_HOST=…, ENTRA_TENANT_ID=…, ENTRA_CLIENT_ID=…, ENTRA_API_SCOPE=…, ENTRA_API_AUDIENCE=…, WARDEN_DEV_CA_FILE=… */
  envLines(): string[];
  /** Approves a pending user code, as the verification page does; rejects for an unknown, expired or declined code. */
  approve(userCode: string): Promise<void>;
  /** Declines a pending user code; the polling client gets access_denied. */
  deny(userCode: string): Promise<void>;
  /** Publishes a new signing key and signs with it; `dropOld` stops publishing the previous ones. */
  rotateKeys(options?: { dropOld?: boolean }): Promise<void>;
  /** Invalidates every refresh token issued so far. */
  revokeRefreshTokens(): void;
  stats(): { tokenRequests: number; deviceCodeRequests: number; discoveryRequests: number; jwksRequests: number };
  close(): Promise<void>;
}

function seconds(value: number | undefined, fallback: number, name: string, min = 1): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < min) throw new Error(`dev-idp: ${name} must be a whole number ≥ ${min}, got ${result}`);
  return result;
}

function apiResource(audience: string, scopeName: string): ApiResource {
  const guid = /^(?:api:\/\/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(audience)?.[1];
  return guid ? { audience: `api://${guid}`, appId: guid, scopeNames: [scopeName] } : { audience, appId: audience, scopeNames: [scopeName] };
}

/** Listens on the wanted port, or (unset) on last run's port when free, else any free port. */
async function listen(
  tls: { certPem: string; keyPem: string },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host: string,
  wanted: number | undefined,
  previous: number | undefined,
): Promise<Listening> {
  if (wanted === undefined && previous) {
    try {
      return await listenHttps(tls, handler, host, previous);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    }
  }
  try {
    return await listenHttps(tls, handler, host, wanted ?? 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`dev-idp: cannot listen on ${host}:${wanted ?? 0}: ${code === 'EADDRINUSE' ? 'address already in use' : (error as Error).message}`);
  }
}

export async function startDevIdp(options: DevIdpOptions): Promise<RunningDevIdp> {
  const now = options.now ?? Date.now;
  const sink = options.log;
  // A refusal quotes request text (an unknown client_id, a path): one capped line without controls, as everywhere.
  const log = sink ? (line: string): void => sink(safeLine(line, LOG_LINE_CHARS)) : () => {};
  const tokenLifetime = seconds(options.tokenLifetimeSeconds, 3600, 'tokenLifetimeSeconds');
  const refreshLifetime = seconds(options.refreshTokenLifetimeSeconds, 90 * 24 * 3600, 'refreshTokenLifetimeSeconds');
  const codeLifetime = seconds(options.deviceCodeLifetimeSeconds, 900, 'deviceCodeLifetimeSeconds');
  const interval = seconds(options.pollIntervalSeconds, 5, 'pollIntervalSeconds', 0);
  const tenantId = options.tenantId ?? DEV_TENANT_ID;
  const clientId = options.clientId ?? DEV_CLIENT_ID;
  const resource = apiResource(options.apiAudience ?? DEV_API_APP_ID, options.apiScopeName ?? 'execute');
  resource.scopeNames.push(...(options.extraScopeNames ?? []));
  const user: DevUser = { ...DEV_USER, ...options.user, oid: options.user?.oid ?? DEV_USER.oid };

  const dir = new DataDir(options.dataDir);
  const warning = await dir.ensure();
  if (warning) log(warning);
  const tls = await loadOrCreateTlsIdentity(dir);
  if (tls.created) log(`new TLS certificate ${tls.certFile}: point clients at this file (WARDEN_DEV_CA_FILE)`);
  const keys = await KeyRing.load(dir);
  const refreshTokens = await RefreshTokens.load(dir, refreshLifetime, now);
  const previous = (await dir.readJson<{ port?: number }>(STATE_FILE))?.port;

  // The URLs name the port, which is known only once listening: requests wait for the real handler.
  let handler = (_req: IncomingMessage, res: ServerResponse): void => void res.writeHead(503).end();
  const listening = await listen(tls, (req, res) => handler(req, res), options.host ?? '127.0.0.1', options.port, previous);
  const stats: Stats = { tokenRequests: 0, deviceCodeRequests: 0, discoveryRequests: 0, jwksRequests: 0 };
  const urls = providerUrls(`https://localhost:${listening.port}`, tenantId);
  const context: ProviderContext = {
    urls,
    tenantId,
    clientId,
    resource,
    otherApis: (options.otherApis ?? []).map((api) => ({ ...apiResource(api.audience, api.scopeNames[0] ?? 'execute'), scopeNames: [...api.scopeNames] })),
    user,
    servicePrincipals: options.servicePrincipals ?? [],
    deviceFlow: new DeviceFlow({ lifetimeSeconds: codeLifetime, intervalSeconds: interval, now, user }),
    refreshTokens,
    tokens: { issuer: urls.issuer, tenantId, resource, accessTokenLifetimeSeconds: tokenLifetime, keys, now },
    caFile: tls.certFile,
    log,
  };
  handler = createRequestHandler(context, keys, stats);
  await dir.writeJson(STATE_FILE, { port: listening.port });

  const decide = async (userCode: string, decision: 'approve' | 'deny'): Promise<void> => {
    const result = context.deviceFlow.decide(userCode, decision);
    if (!result.ok) throw new Error(`dev-idp: cannot ${decision} user code ${userCode}: ${result.reason}`);
    log(`user code ${result.authorization.userCode} ${decision === 'approve' ? `approved: signed in as ${user.username}` : 'declined'}`);
  };
  const apiScope = `${resource.audience}/${resource.scopeNames[0]}`;

  return {
    authorityHost: urls.origin,
    tenantId,
    clientId,
    apiAudience: resource.audience,
    tokenAudience: resource.appId,
    apiScope,
    issuer: urls.issuer,
    jwksUri: urls.jwksUri,
    caFile: tls.certFile,
    verificationUri: urls.verificationUri,
    envLines: () => [
      `ENTRA_AUTHORITY_HOST=${urls.origin}`,
      `ENTRA_TENANT_ID=${tenantId}`,
      `ENTRA_CLIENT_ID=${clientId}`,
      `ENTRA_API_SCOPE=${apiScope}`,
      // What its tokens' `aud` says: a server that compares `aud` exactly needs this form, not api://….
      `ENTRA_API_AUDIENCE=${resource.appId}`,
      `WARDEN_DEV_CA_FILE=${tls.certFile}`,
    ],
    approve: (userCode) => decide(userCode, 'approve'),
    deny: (userCode) => decide(userCode, 'deny'),
    rotateKeys: async (rotation) => {
      await keys.rotate(rotation);
      log(`signing key rotated: now ${keys.current().kid}${rotation?.dropOld ? ' (older keys no longer published)' : ''}`);
    },
    revokeRefreshTokens: () => {
      refreshTokens.revokeAll().catch((error: unknown) => log(`could not save revoked refresh tokens: ${String(error)}`));
      log('all refresh tokens revoked');
    },
    stats: () => ({ ...stats }),
    close: async () => {
      await listening.close();
      await dir.flush();
    },
  };
}
