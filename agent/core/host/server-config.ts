/**
 * The resolved configuration of the MCP servers Warden talks to: the contract between the
 * configuration files (`mcpServers`, `--mcp-config`, the one-server shortcut
 * `MCP_SERVER_URL`/`--server`) and the parts that connect (transports, the server host).
 *
 * Types only: parsing and validation live with the configuration loader, connecting with the
 * transports. Values here are already expanded (`${VAR}` resolved) and validated.
 */
import type { ProtocolSetting } from '../mcp/protocol-version.js';

/** Where a server's entry came from; a project file can start programs, so it is asked about. */
export type ServerSource =
  /** MCP_SERVER_URL / --server, or the demo; `via` says which named it (absent: the default URL). */
  | { kind: 'shortcut'; via?: 'flag' | 'env' | 'demo' }
  /**
   * ~/.config/warden/mcp.json, or Claude Code's ~/.claude.json (`claudeScope`: its `user` scope, or
   * its `local` scope for this directory): the user's own files, with the same trust.
   */
  | { kind: 'user'; file: string; claudeScope?: 'user' | 'local' }
  /** ./.mcp.json; `approved`: the user approved the file as it is (or --trust-project for this run). */
  | { kind: 'project'; file: string; approved: boolean }
  | { kind: 'flag'; file: string }; // --mcp-config FILE

/** Which tools of a server are offered to the model (exact names or `*` globs). */
export type ToolFilter = { include: string[] } | { exclude: string[] } | undefined;

/** How Warden signs in to one server. `entra` is the device-code sign-in of the one-server shortcut. */
export type ServerAuthConfig =
  | { kind: 'none' }
  | { kind: 'entra'; scope?: string; tenantId?: string; authorityHost?: string; clientId?: string }
  | { kind: 'bearer'; tokenEnv: string }
  /**
   * An Entra service principal signing in as itself (unattended, e.g. -p in CI): a certificate
   * (PEM file with the certificate and its private key) or a federated token file
   * (`federatedTokenFile`, default AZURE_FEDERATED_TOKEN_FILE).
   */
  /**
   * Any OAuth 2.1 authorization server the server's RFC 9728 metadata names (device grant, else a
   * browser). The client: `clientId` (with `clientSecret` for a confidential one) registered
   * beforehand, else `clientMetadataUrl` where the authorization server takes client ID metadata
   * documents, else one registered dynamically.
   */
  | { kind: 'oauth'; clientId?: string; clientSecret?: string; clientMetadataUrl?: string; scope?: string }
  | { kind: 'client-credentials'; clientId: string; scope: string; tenantId?: string; authorityHost?: string; certificateFile?: string; federatedTokenFile?: string };

interface ServerConfigBase {
  /** The name in `mcpServers` (the shortcut is called `server` unless told otherwise). */
  name: string;
  source: ServerSource;
  /** Connect timeout in milliseconds. */
  timeoutMs?: number;
  tools?: ToolFilter;
  auth?: ServerAuthConfig;
  /** Which tools run without asking: `ask` (default for files), `read-only` (the shortcut's default), `all`. */
  trust?: 'ask' | 'read-only' | 'all';
  /** Which MCP revision to speak: `auto` (default) or one revision (agent/core/mcp/protocol-version.ts). */
  protocolVersion?: ProtocolSetting;
  /**
   * Why it cannot be used as configured (a `${VAR}` without default, or the `auth.tokenEnv`
   * variable, is unset), in one line naming the variable: it is listed, never started. Values
   * that name a missing variable stay unexpanded.
   */
  unavailable?: string;
  /** The environment variables whose values the entry sends (`${VAR}` in url, headers, args, env; `auth.tokenEnv`). */
  variables?: readonly string[];
  /** Warden keys it does not know are kept in the file, never interpreted. */
}

export interface HttpServerConfig extends ServerConfigBase {
  /** `http`: Streamable HTTP; `sse`: the legacy HTTP+SSE transport. */
  type: 'http' | 'sse';
  url: string;
  /** Sent on every request; values are secrets (never printed or logged). */
  headers: Record<string, string>;
}

export interface StdioServerConfig extends ServerConfigBase {
  type: 'stdio';
  command: string;
  args: string[];
  /** Added on top of a safe base environment; values are secrets. */
  env: Record<string, string>;
  cwd?: string;
}

export type ServerConfig = HttpServerConfig | StdioServerConfig;
