import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import type { Env } from '../config/load.js';
import { parseConfig } from '../config/load.js';
import { isLoopbackHost } from '../config/http-url.js';
import { readPemFile } from '../config/pem-file.js';
import { commaList, envBoolean, httpUrl, port } from '../config/schema-helpers.js';
import { DEFAULT_AUTHORITY_HOST, entraAudiences, entraAuthority, entraIssuers, entraJwksUri, entraScopePrefix, MULTI_TENANT_ALIASES } from '../auth/verify/entra.js';
import { DEFAULT_JWKS_MAX_AGE_SECONDS, publicKeyFromPem } from '../auth/verify/key-source.js';
import type { KeySourceSettings, VerifierSettings } from '../auth/verify/settings.js';
import { isToolName, TOOL_NAMES, type ToolName } from './tools/names.js';

/** Flags of `warden serve`; each overrides its environment variable. */
export interface ServerFlags {
  port?: string | number;
  host?: string;
  noAuth?: boolean;
  allowRemoteNoAuth?: boolean;
  metricsPort?: string | number;
}

export interface ServerAuthConfig {
  verifier: VerifierSettings;
  /** Published in the RFC 9728 metadata: where clients sign in. */
  authorizationServers: string[];
  /** Scope names every call needs. */
  requiredScopes: string[];
  /** Extra scope names per tool. */
  toolScopes: Partial<Record<ToolName, string[]>>;
  /** Authentication context (`acrs`) values per tool; a token without them gets a claims challenge. */
  toolAcrs: Partial<Record<ToolName, string[]>>;
  /** Tools callable without a token. */
  publicTools: ToolName[];
  /** Turns scope names into requestable scopes (api://<app>/execute); undefined for plain names. */
  scopePrefix?: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** The /mcp URL clients use when it differs from the bind address (reverse proxy). */
  publicUrl?: URL;
  /** Host/Origin hostnames to accept besides the loopback names; empty = loopback only on a loopback bind. */
  allowedHosts: string[];
  /** undefined = --no-auth. */
  auth?: ServerAuthConfig;
  /** 2025-era clients get an Mcp-Session-Id session on this replica so their cancellations reach the running call. */
  legacySessions: boolean;
  nws: { baseUrl: string; userAgent: string; timeoutMs: number; retryDelayMs: number };
  /** Longest a client may take to send one whole request (headers and body); slower connections get 408 and are closed. */
  requestTimeoutMs: number;
  /** Open connections past which new ones are closed at once. */
  maxConnections: number;
  /** Port of the Prometheus `/metrics` endpoint (on `host`); undefined = no metrics. */
  metricsPort?: number;
  /** Tool calls one principal may make per minute (token bucket); undefined = no limit. */
  rateLimitPerMinute?: number;
  /** SIGTERM: how long readiness (/healthz) fails before new connections are refused, and how long in-flight calls then get to finish. */
  drain: { delayMs: number; timeoutMs: number };
  reverseStepMs: number;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const scopeList = commaList.refine((names) => names.every((n) => SCOPE_TOKEN.test(n)), 'expected scope names without spaces or quotes');

const unknownTool = (name: string): string => `unknown tool "${name}" (tools: ${TOOL_NAMES.join(', ')})`;

const toolList = commaList.superRefine((names, ctx) => {
  for (const name of names.filter((n) => !isToolName(n))) ctx.addIssue({ code: 'custom', message: unknownTool(name) });
});

/**
 * `tool=a b;tool2=c` → { tool: ['a', 'b'], tool2: ['c'] }: every tool one of TOOL_NAMES, every
 * value matching `valid`; an entry that is not of that form is named after "expected `form`".
 */
const perToolLists = (valid: RegExp, form: string) =>
  z.string().transform((value, ctx) => {
    const result: Partial<Record<ToolName, string[]>> = {};
    for (const entry of value
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [tool = '', list = ''] = entry.split('=', 2).map((s) => s.trim());
      const names = list.split(/[\s,]+/).filter(Boolean);
      if (!isToolName(tool)) {
        ctx.addIssue({ code: 'custom', message: unknownTool(tool) });
      } else if (names.length === 0 || !names.every((s) => valid.test(s))) {
        ctx.addIssue({ code: 'custom', message: `expected ${form} but got "${entry}"` });
      } else {
        result[tool] = names;
      }
    }
    return result;
  });

/** `reverse=execute;get_forecast=weather.read other.scope` → { reverse: ['execute'], get_forecast: [...] } */
const toolScopes = perToolLists(SCOPE_TOKEN, 'tool=scope[ scope];…');

/** `get_forecast=c1;reverse=c1 c2` → { get_forecast: ['c1'], reverse: ['c1', 'c2'] } (Entra authentication context ids). */
const toolAcrs = perToolLists(/^[A-Za-z0-9._-]+$/, 'tool=context[ context];… (e.g. get_forecast=c1)');

const tenantId = z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a tenant GUID');

/** http only for loopback (tests, the dev identity provider); https everywhere else. */
const keyUrl = httpUrl.refine((u) => {
  const url = new URL(u);
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}, 'expected an https URL (http only for localhost)');

/** The server's configuration schema; keys are environment variable names (flags are mapped onto them). */
export const serverConfigSchema = z.object({
  MCP_HOST: z.string().min(1).default('127.0.0.1'),
  MCP_PORT: port.default(8000),
  MCP_PUBLIC_URL: httpUrl.optional(),
  MCP_ALLOWED_HOSTS: commaList.default([]),
  MCP_LEGACY_SESSIONS: envBoolean.default(false),
  METRICS_PORT: port.optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected calls per minute' }).int('expected a whole number').min(1).max(1_000_000).optional(),
  MCP_DRAIN_DELAY_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(600_000).default(5000),
  MCP_DRAIN_TIMEOUT_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(3_600_000).default(20_000),
  MCP_MAX_CONNECTIONS: z.coerce.number({ message: 'expected a number of connections' }).int('expected a whole number').min(1).max(1_000_000).default(1000),
  ENTRA_TENANT_ID: tenantId.optional(),
  ENTRA_API_AUDIENCE: z.string().min(1).optional(),
  ENTRA_AUTHORITY_HOST: keyUrl.optional(),
  AUTH_ISSUER: z.string().url('expected a URL').optional(),
  AUTH_JWKS_URI: keyUrl.optional(),
  AUTH_JWKS_MAX_AGE_S: z.coerce.number({ message: 'expected seconds' }).int('expected whole seconds').min(1).max(86_400).default(DEFAULT_JWKS_MAX_AGE_SECONDS),
  AUTH_AUDIENCE: commaList.default([]),
  AUTH_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  AUTH_REQUIRED_SCOPES: scopeList.default(['execute']),
  AUTH_ALLOWED_CLIENT_IDS: commaList.default([]),
  AUTH_PUBLIC_TOOLS: toolList.default([]),
  AUTH_TOOL_SCOPES: toolScopes.default({}),
  AUTH_TOOL_ACRS: toolAcrs.default({}),
  AUTH_REQUIRE_AT_JWT: envBoolean.default(true),
  WARDEN_DEV_CA_FILE: z.string().min(1).optional(),
  NWS_BASE_URL: httpUrl.default('https://api.weather.gov'),
  NWS_USER_AGENT: z.string().min(1).default('warden-mcp (github.com/warden)'),
  NWS_TIMEOUT_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(1).max(120_000).default(10_000),
  REVERSE_STEP_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(60_000).default(1000),
});

type ParsedEnv = z.output<typeof serverConfigSchema>;

const flagSchema = z.object({ '--port': port.optional(), '--host': z.string().min(1).optional(), '--metrics-port': port.optional() });

const CLOCK_TOLERANCE_SECONDS = 60;

/** Environment (and .env) plus flags → the server's configuration. Throws ConfigError naming the variable. */
export function loadServerConfig(env: Env, flags: ServerFlags = {}): ServerConfig {
  const flagValues = parseConfig(flagSchema, { '--port': flags.port, '--host': flags.host, '--metrics-port': flags.metricsPort });
  const parsed = parseConfig(serverConfigSchema, env);
  const host = flagValues['--host'] ?? parsed.MCP_HOST;
  const hostSource = flagValues['--host'] !== undefined ? '--host' : 'MCP_HOST';

  if (flags.noAuth && !isLoopbackHost(host) && !flags.allowRemoteNoAuth) {
    throw new ConfigError(`invalid ${hostSource}: --no-auth binds loopback only; add --allow-remote-no-auth to serve ${host} without authentication`);
  }
  if (flags.allowRemoteNoAuth && !flags.noAuth) {
    throw new ConfigError('invalid --allow-remote-no-auth: only meaningful together with --no-auth');
  }

  const mcpPort = flagValues['--port'] ?? parsed.MCP_PORT;
  const metricsPort = flagValues['--metrics-port'] ?? parsed.METRICS_PORT;
  // The exposition must never be reachable where MCP is: whatever fronts /mcp would publish it.
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === mcpPort) {
    const source = flagValues['--metrics-port'] !== undefined ? '--metrics-port' : 'METRICS_PORT';
    throw new ConfigError(`invalid ${source}: ${metricsPort} is the MCP port; metrics need a port of their own`);
  }

  return {
    host,
    port: mcpPort,
    ...(parsed.MCP_PUBLIC_URL !== undefined && { publicUrl: new URL(parsed.MCP_PUBLIC_URL) }),
    allowedHosts: parsed.MCP_ALLOWED_HOSTS,
    ...(!flags.noAuth && { auth: authConfig(parsed) }),
    legacySessions: parsed.MCP_LEGACY_SESSIONS,
    nws: { baseUrl: parsed.NWS_BASE_URL, userAgent: parsed.NWS_USER_AGENT, timeoutMs: parsed.NWS_TIMEOUT_MS, retryDelayMs: 250 },
    reverseStepMs: parsed.REVERSE_STEP_MS,
    // Bodies are at most 1 MiB: 30 s is generous for any honest client and stops slow-loris connections piling up.
    requestTimeoutMs: 30_000,
    maxConnections: parsed.MCP_MAX_CONNECTIONS,
    ...(metricsPort !== undefined && { metricsPort }),
    ...(parsed.RATE_LIMIT_PER_MINUTE !== undefined && { rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE }),
    drain: { delayMs: parsed.MCP_DRAIN_DELAY_MS, timeoutMs: parsed.MCP_DRAIN_TIMEOUT_MS },
  };
}

const MISSING_AUTH = 'set ENTRA_TENANT_ID and ENTRA_API_AUDIENCE (Entra ID), or AUTH_ISSUER, AUTH_JWKS_URI and AUTH_AUDIENCE, or run with --no-auth';

function authConfig(p: ParsedEnv): ServerAuthConfig {
  const tenant = p.ENTRA_TENANT_ID;
  const authorityHost = p.ENTRA_AUTHORITY_HOST ?? DEFAULT_AUTHORITY_HOST;
  if (!tenant && !p.AUTH_ISSUER) throw new ConfigError(`missing ENTRA_TENANT_ID: ${MISSING_AUTH}`);
  // The agent may sign in via `organizations`; a resource server must pin one tenant's issuer and tid.
  if (tenant && (MULTI_TENANT_ALIASES as readonly string[]).includes(tenant.toLowerCase())) {
    throw new ConfigError(`invalid ENTRA_TENANT_ID: the server needs one tenant (its GUID), not "${tenant}"`);
  }

  const issuers = p.AUTH_ISSUER ? [p.AUTH_ISSUER] : entraIssuers(tenant as string, authorityHost);
  const audiences = [...new Set([...p.AUTH_AUDIENCE, ...(p.ENTRA_API_AUDIENCE ? entraAudiences(p.ENTRA_API_AUDIENCE) : [])])];
  if (audiences.length === 0) throw new ConfigError(`missing ${tenant ? 'ENTRA_API_AUDIENCE' : 'AUTH_AUDIENCE'}: ${MISSING_AUTH}`);

  const caPem = p.WARDEN_DEV_CA_FILE ? readPemFile(p.WARDEN_DEV_CA_FILE, 'WARDEN_DEV_CA_FILE', 'certificate') : undefined;
  let keys: KeySourceSettings;
  if (p.AUTH_PUBLIC_KEY_FILE) keys = { kind: 'pem', pem: readPublicKey(p.AUTH_PUBLIC_KEY_FILE) };
  else if (p.AUTH_JWKS_URI || tenant) {
    keys = { kind: 'jwks', uri: p.AUTH_JWKS_URI ?? entraJwksUri(tenant as string, authorityHost), maxAgeSeconds: p.AUTH_JWKS_MAX_AGE_S, ...(caPem && { caPem }) };
  } else throw new ConfigError(`missing AUTH_JWKS_URI: AUTH_ISSUER needs AUTH_JWKS_URI (or AUTH_PUBLIC_KEY_FILE)`);

  // A public tool skips the token, so its AUTH_TOOL_SCOPES could never be checked: refuse the contradiction.
  const both = (p.AUTH_PUBLIC_TOOLS as ToolName[]).filter((tool) => p.AUTH_TOOL_SCOPES[tool] !== undefined);
  if (both.length > 0) {
    throw new ConfigError(
      `invalid AUTH_PUBLIC_TOOLS: ${both.join(', ')} also ${both.length === 1 ? 'has' : 'have'} scopes in AUTH_TOOL_SCOPES; a public tool is called without a token, so remove it from one of the two`,
    );
  }

  return {
    verifier: {
      issuers,
      audiences,
      keys,
      ...(tenant && { tenantId: tenant }),
      allowedClientIds: p.AUTH_ALLOWED_CLIENT_IDS,
      // A generic authorization server's tokens follow RFC 9068 (`scope`, `client_id`).
      ...(p.AUTH_ISSUER && { claims: 'rfc9068' as const, requireAccessTokenType: p.AUTH_REQUIRE_AT_JWT }),
      clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
    },
    authorizationServers: tenant ? [entraAuthority(tenant, authorityHost)] : issuers,
    requiredScopes: p.AUTH_REQUIRED_SCOPES,
    toolScopes: p.AUTH_TOOL_SCOPES,
    toolAcrs: p.AUTH_TOOL_ACRS,
    publicTools: p.AUTH_PUBLIC_TOOLS as ToolName[],
    ...(p.ENTRA_API_AUDIENCE && { scopePrefix: entraScopePrefix(p.ENTRA_API_AUDIENCE) }),
  };
}

function readPublicKey(path: string): string {
  const pem = readPemFile(path, 'AUTH_PUBLIC_KEY_FILE');
  try {
    publicKeyFromPem(pem);
  } catch {
    throw new ConfigError(`invalid AUTH_PUBLIC_KEY_FILE: ${path} holds no usable public key or certificate`);
  }
  return pem;
}
