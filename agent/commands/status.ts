import { dirname } from 'node:path';
import { splitAuthority } from '../../auth/login/authority.js';
import { describeAccount, describeExpiry, localTime, relativeTime } from '../../auth/login/format.js';
import { describeApprovalReason } from '../../auth/login/sign-in-policy.js';
import { errorMessage, rootCause } from '../../config/error-text.js';
import { ConfigError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { safeLine } from '../../config/terminal-text.js';
import { USER_AGENT, WARDEN_VERSION } from '../../config/version.js';
import { DEFAULT_SERVER_URL } from '../config.js';
import { TokenVault, type TokenStoreDescription } from '../../auth/store/vault.js';
import type { SignInReport } from '../core/auth/kinds/kind.js';
import { tokenCacheOf, type SignInSettings } from '../core/auth/settings.js';
import type { SignInDirectory } from '../core/auth/server-sign-in.js';
import type { ServerConfig } from '../core/host/server-config.js';
import type { Command } from './context.js';
import { commandSignIns, demoStandIn, shortcutServer, turnServers } from './sign-ins.js';
import { demoDir, readDemoSignIn } from '../demo-stack/demo-settings.js';

const USAGE = `Usage: warden status [--json] [--server URL] [--mcp-config FILE]…

Shows the signed-in account, tenant, scopes and token expiry from the token cache (no call
to the identity provider, never the token itself), and whether the MCP server answers; then
each configured server (mcpServers files) with its auth kind and sign-in state, from what is
stored (sign in to one with \`warden login NAME\`). The servers are those a turn uses with the
same flags: MCP_SERVER_URL (default ${DEFAULT_SERVER_URL}) only when it is set, --server
is given, or no server is configured.
Settings are yours (environment, ~/.config/warden/.env), else — after \`npm start\` — the demo's,
and the report says which. Exit code 0 when an account is signed in, 1 when not.

  --json             machine-readable output
  --server URL       the MCP endpoint to check (MCP_SERVER_URL)
  --mcp-config FILE  servers from this file too (repeatable), as for warden and warden -p`;

/** Where sign-in settings live, for the line after "missing ENTRA_CLIENT_ID". */
const SETTINGS_HINT =
  "warden: sign-in settings are read from your environment and ~/.config/warden/.env, from any directory (a project's .env only in that directory, once approved); `npm start` keeps the demo's own and shows them here until you set yours";

const PROBE_TIMEOUT_MS = 2000;
/** A row of the report: room for a few authority URLs and scopes, never a screenful. */
const ROW_CHARS = 400;

export interface ServerProbe {
  url: string;
  /** Only an MCP answer counts: a JSON-RPC result to `initialize`, or a Bearer challenge (it wants a token). */
  reachable: boolean;
  /** What the MCP endpoint answered, when it did. */
  mcp?: 'initialized' | 'needs-token';
  /** HTTP status of GET /healthz. */
  status?: number;
  error?: string;
  /** From its RFC 9728 metadata, when published. */
  authorizationServers?: string[];
  scopesSupported?: string[];
  /** Servers are configured and neither MCP_SERVER_URL nor --server names this one: a turn does not use it, so it was not checked. */
  notUsed?: true;
}

const NOT_USED = 'not used: servers are configured, so a turn uses them and not this URL (set MCP_SERVER_URL or pass --server to add it)';

function probeError(error: unknown): string {
  if ((error as Error | undefined)?.name === 'TimeoutError') return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  return rootCause(error);
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'warden-status', version: WARDEN_VERSION } },
});

/** One `initialize` POST; a stateful server's session is ended (DELETE) at once. */
async function mcpExchange(serverUrl: string, signal: () => AbortSignal): Promise<ServerProbe['mcp'] | string> {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'user-agent': USER_AGENT };
  const response = await fetch(serverUrl, { method: 'POST', headers, body: INITIALIZE, signal: signal(), redirect: 'manual' });
  if (response.status === 401 && /^bearer\b/i.test(response.headers.get('www-authenticate') ?? '')) {
    await response.body?.cancel();
    return 'needs-token';
  }
  // An SSE answer ends after its one event; a few KB is plenty to see a JSON-RPC result.
  const body = response.ok ? (await response.text()).slice(0, 65_536) : (await response.body?.cancel(), '');
  const session = response.headers.get('mcp-session-id');
  if (session)
    await fetch(serverUrl, { method: 'DELETE', headers: { 'mcp-session-id': session, 'user-agent': USER_AGENT }, signal: signal() })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  if (/"jsonrpc"\s*:\s*"2\.0"/.test(body) && /"result"\s*:/.test(body)) return 'initialized';
  return response.ok ? 'not an MCP answer' : `HTTP ${response.status}, not an MCP answer`;
}

/** An MCP `initialize` exchange (the only proof of an MCP server), GET /healthz and the RFC 9728 metadata, each with a short timeout. */
export async function probeServer(serverUrl: string, signal?: AbortSignal): Promise<ServerProbe> {
  const url = new URL(serverUrl);
  const timeout = (): AbortSignal => (signal ? AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]) : AbortSignal.timeout(PROBE_TIMEOUT_MS));
  const metadataUrl = `${url.origin}/.well-known/oauth-protected-resource${url.pathname.replace(/\/+$/, '')}`;
  const [exchange, health, metadata] = await Promise.allSettled([
    mcpExchange(serverUrl, timeout),
    fetch(`${url.origin}/healthz`, { signal: timeout(), redirect: 'manual' }).then(async (r) => (await r.body?.cancel(), r.status)),
    fetch(metadataUrl, { signal: timeout(), redirect: 'manual' }).then(async (r) => (r.ok ? ((await r.json()) as Record<string, unknown>) : (await r.body?.cancel(), undefined))),
  ]);
  const answer = exchange.status === 'fulfilled' && (exchange.value === 'initialized' || exchange.value === 'needs-token') ? exchange.value : undefined;
  const probe: ServerProbe = { url: serverUrl, reachable: answer !== undefined, ...(answer && { mcp: answer }) };
  if (health.status === 'fulfilled') probe.status = health.value;
  if (!answer) probe.error = exchange.status === 'fulfilled' ? (exchange.value ?? 'no answer') : probeError(exchange.reason);
  if (metadata.status === 'fulfilled' && metadata.value) {
    const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
    const servers = list(metadata.value.authorization_servers);
    const scopes = list(metadata.value.scopes_supported);
    if (servers) probe.authorizationServers = servers;
    if (scopes) probe.scopesSupported = scopes;
  }
  return probe;
}

type EntraDetails = NonNullable<SignInReport['entra']>;

/** Does the server want tokens from the authority we sign in with? Read by the rule discovery uses (`…/<tenant>/v2.0` is `…/<tenant>`). */
function sameAuthority(published: string, entra: EntraDetails): boolean {
  try {
    const { authorityHost, tenantId } = splitAuthority(published);
    return `${authorityHost}/${tenantId}`.toLowerCase() === entra.authority.toLowerCase();
  } catch {
    return false;
  }
}

function tokenLine(entra: EntraDetails, now: number): string {
  const renew = entra.canRefresh ? 'renewed on next use (refresh token cached)' : 'run `warden login`';
  if (!entra.expiresOn) return `none cached; ${renew}`;
  if (entra.expiresOn.getTime() > now) return `valid until ${describeExpiry(entra.expiresOn, now)}`;
  return `expired ${relativeTime(entra.expiresOn, now)} (${localTime(entra.expiresOn)}); ${renew}`;
}

/** Which store holds the tokens of this token directory (asks the OS secret store; changes nothing). */
async function tokenStore(settings: SignInSettings): Promise<TokenStoreDescription> {
  return new TokenVault({ dir: dirname(tokenCacheOf(settings)), choice: settings.tokenStore.value }).describe();
}

/** The store as one line: where the tokens rest, and why there. */
function tokenStoreLine(store: TokenStoreDescription): string {
  if (store.unavailable) return `${store.backend}, not reachable (${store.unavailable}); WARDEN_TOKEN_STORE=keychain allows no other store`;
  if (store.encrypted) return `${store.backend}: the token files are encrypted (AES-256-GCM) with a key kept there`;
  return `file, not encrypted (${store.why ?? 'chosen'})`;
}

/** One configured server's line in the report. */
export interface ServerSignInState {
  name: string;
  kind: string;
  signedIn: boolean;
  /** One line: who, until when, or what to do. */
  detail: string;
}

/** Each configured HTTP server's sign-in state; a server whose state cannot be read (or that cannot be used) says why. */
async function serverSignInStates(servers: ServerConfig[], signIns: SignInDirectory, signal: AbortSignal, now = Date.now()): Promise<ServerSignInState[]> {
  const http = servers.filter((s) => s.type !== 'stdio');
  return Promise.all(
    http.map(async (server) => {
      const signIn = signIns.forServer(server);
      const state = (signedIn: boolean, detail: string): ServerSignInState => ({ name: server.name, kind: signIn.settings.kind.value, signedIn, detail });
      if (server.unavailable !== undefined) return state(false, `unavailable: ${server.unavailable}`);
      return signIn.describe({ now, signal }).then(
        (report) => state(report.signedIn, report.detail),
        (error: unknown) => state(false, `cannot read its sign-in: ${errorMessage(error)}`),
      );
    }),
  );
}

/** The configured servers' block; names and details come from files and identity providers: terminal-safe. */
function serverLines(servers: ServerSignInState[]): string {
  return `Configured servers:\n${servers.map((s) => `  ${safeLine(s.name, 60)} (${s.kind}): ${safeLine(s.detail, ROW_CHARS)}\n`).join('')}`;
}

/** The demo's settings file, when the demo ran here (whether or not it stands in for yours). */
function demoStandInFile(ctx: Parameters<Command>[1]): string | undefined {
  return readDemoSignIn(demoDir(ctx.env, ctx.home))?.file;
}

export const status: Command = async (args, ctx) => {
  const { values } = parseFlags(
    args,
    {
      json: { type: 'boolean' },
      server: { type: 'string' },
      'mcp-config': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    false,
    'warden status',
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Where you set up no sign-in of your own, the demo's (after `npm start`) is the one shown.
  const signIns = commandSignIns(ctx, { demoFallback: true });
  const demo = demoStandIn(ctx);
  const shortcut = shortcutServer(ctx.env, values.server);
  const shortcutSignIn = signIns.forServer(shortcut);
  // The servers a turn with the same flags would use (the same loader as the chat and -p).
  const loaded = await turnServers(ctx, {
    ...(values.server !== undefined && { server: [values.server] }),
    ...(values['mcp-config'] && { mcpConfig: values['mcp-config'] }),
  }).catch((error: unknown) => {
    // A broken mcpServers file does not hide the sign-in below: one line says what is wrong.
    ctx.stderr.write(`warden: ${safeLine(errorMessage(error), ROW_CHARS)}\n`);
    return undefined;
  });
  const servers = await serverSignInStates(
    (loaded ?? []).filter((s) => s.source.kind !== 'shortcut'),
    signIns,
    ctx.shutdownSignal,
  );
  // Configured servers without MCP_SERVER_URL or --server: a turn does not use the default URL, so it is not checked either.
  const shortcutUsed = loaded === undefined || loaded.some((s) => s.source.kind === 'shortcut');
  const probing: Promise<ServerProbe> = shortcutUsed
    ? probeServer(shortcut.url, ctx.shutdownSignal)
    : Promise.resolve({ url: shortcut.url, reachable: false, notUsed: true, error: NOT_USED });
  const described = await shortcutSignIn.describe({ now: Date.now(), signal: ctx.shutdownSignal }).catch((error: unknown) => error);
  const server = await probing;
  // After the sign-in was read (a plaintext cache of before is sealed on that first use).
  const store = await tokenStore(shortcutSignIn.settings);
  if (described instanceof ConfigError && servers.length > 0) {
    // Only servers of other kinds are configured: their states are the report.
    if (values.json) ctx.stdout.write(`${JSON.stringify({ signedIn: false, entraNotConfigured: described.message, tokenStore: store, servers }, null, 2)}\n`);
    else
      ctx.stdout.write(
        `Entra sign-in: not configured (${safeLine(described.message, ROW_CHARS)})\nToken store: ${safeLine(tokenStoreLine(store), ROW_CHARS)}\n${serverLines(servers)}`,
      );
    return servers.some((s) => s.signedIn) ? 0 : 1;
  }
  if (described instanceof ConfigError) {
    // Say where settings are read from any directory (a project's .env counts only there, once approved).
    ctx.stderr.write(`warden: ${safeLine(described.message, ROW_CHARS)}\n${SETTINGS_HINT}\n`);
    return 2;
  }
  if (!(described as SignInReport | undefined)?.entra) {
    ctx.stderr.write(`warden: cannot read the token cache: ${safeLine(errorMessage(described), ROW_CHARS)}\n`);
    return 1;
  }
  const report = described as SignInReport;
  const entra = report.entra as EntraDetails;
  const signedIn = entra.account !== undefined;
  const refusal = report.approvalNeeded;
  const now = Date.now();

  if (values.json) {
    const json = {
      signedIn,
      account: entra.account ? { ...entra.account } : null,
      authority: entra.authority,
      clientId: entra.clientId,
      scopes: entra.scopes,
      expiresOn: entra.expiresOn?.toISOString() ?? null,
      tokenValid: entra.expiresOn !== undefined && entra.expiresOn.getTime() > now,
      canRefresh: entra.canRefresh,
      cachePath: entra.cachePath,
      settings: demo ? 'demo' : 'yours',
      tokenStore: store,
      server,
      approvalNeeded: refusal ?? null,
      servers,
    };
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return signedIn ? 0 : 1;
  }

  const rows: [string, string][] = [];
  if (entra.account) {
    rows.push(['Account', describeAccount(entra.account)], ['Tenant', entra.account.tenantId]);
  } else {
    rows.push(['Account', 'not signed in (run `warden login`)']);
  }
  rows.push(['Authority', entra.authority], ['Client', entra.clientId]);
  const demoSettings = demo ? undefined : demoStandInFile(ctx);
  rows.push([
    'Settings',
    demo
      ? `the demo's (${demo.file}): you have set no ENTRA_CLIENT_ID of your own`
      : `yours (environment, ~/.config/warden/.env)${demoSettings ? `; the demo keeps its own sign-in in ${demoDir(ctx.env, ctx.home)}` : ''}`,
  ]);
  if (entra.account) rows.push(['Scopes', entra.scopes.join(' ') || '(none cached)'], ['Token', tokenLine(entra, now)]);
  rows.push(['Cache', entra.cachePath], ['Token store', tokenStoreLine(store)]);
  rows.push([
    'Server',
    server.notUsed
      ? `${server.url} ${NOT_USED}`
      : server.reachable
        ? `${server.url} reachable (MCP ${server.mcp === 'needs-token' ? 'asks for a token' : 'initialize answered'}${server.status !== undefined ? `; GET /healthz → ${server.status}` : ''})`
        : `${server.url} unreachable (${server.error ?? 'no answer'})`,
  ]);
  if (server.authorizationServers?.length) {
    const match = server.authorizationServers.some((a) => sameAuthority(a, entra));
    rows.push([
      'Server auth',
      `signs in at ${server.authorizationServers.join(', ')}${server.scopesSupported?.length ? `, scopes ${server.scopesSupported.join(' ')}` : ''}` +
        (match ? '' : ' — not the authority configured here (ENTRA_AUTHORITY_HOST / ENTRA_TENANT_ID)'),
    ]);
  }
  if (refusal) rows.push(['Approval', describeApprovalReason(refusal, 'approve with `warden login --approve-server`')]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  // Values come from the server's metadata, the identity provider and the cache: one terminal-safe line each (--json is escaped already).
  ctx.stdout.write(`${rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${safeLine(v, ROW_CHARS)}`).join('\n')}\n`);
  if (servers.length > 0) ctx.stdout.write(`\n${serverLines(servers)}`);
  return signedIn ? 0 : 1;
};
