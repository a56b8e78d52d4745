// zod/mini: the chat's config is parsed before its first frame, and classic zod takes ~60 ms to load.
import * as z from 'zod/mini';
import { delimiter } from 'node:path';
import { parseTokenStoreChoice, TOKEN_STORE_VARIABLE } from '../auth/store/choice.js';
import { ConfigError } from '../config/errors.js';
import { isHttpUrl } from '../config/http-url.js';
import type { Env } from '../config/load.js';
import type { ServerConfig } from './core/host/server-config.js';
import type { CacheTtl } from './core/model/request-body.js';
import type { ContextSettings } from './core/context/context-manager.js';
import { parseConfig } from '../config/load.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8000/mcp';
/** The current Sonnet (see the `Model` union of @anthropic-ai/sdk); ANTHROPIC_MODEL or --model overrides it. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_MAX_TURNS = 10;
/** The conversation is compacted when it fills this much of the context window (WARDEN_AUTO_COMPACT). */
export const DEFAULT_COMPACT_PERCENT = 80;
/** A tool result past this many tokens is cut for the model (WARDEN_TOOL_RESULT_MAX_TOKENS), in line with other hosts. */
export const DEFAULT_TOOL_RESULT_MAX_TOKENS = 25_000;

/** Flags of the chat command (`warden`, `warden -p`); each overrides its environment variable. */
export interface AgentFlags {
  server?: string;
  model?: string;
  noAuth?: boolean;
  /** `--max-turns N` (over WARDEN_MAX_TURNS). */
  maxTurns?: string;
}

export interface AgentConfig {
  /** The MCP endpoint, e.g. http://127.0.0.1:8000/mcp. */
  serverUrl: string;
  /** Who named it: --server (`flag`), MCP_SERVER_URL (`env`); absent: the default. */
  serverUrlVia?: 'flag' | 'env';
  /** --no-auth: never send a token. */
  noAuth: boolean;
  /** Claude settings; undefined without ANTHROPIC_API_KEY, which selects the offline demo model. */
  anthropic?: { apiKey: string; baseURL?: string; model: string; toolSearchThreshold?: number; cacheTtl?: CacheTtl; maxTokens?: number };
  /** Model rounds (model → tools → model …) one turn may take before it is stopped. */
  maxTurns: number;
  /** The MCP servers from configuration files; absent: the one server at `serverUrl`. */
  servers?: ServerConfig[];
  /** Defaults for servers without their own `timeout`: connecting, and a call's longest silence. */
  mcpConnectTimeoutMs?: number;
  mcpCallTimeoutMs?: number;
  /** Directories offered to servers as roots besides the working directory (WARDEN_MCP_ROOTS). */
  roots?: string[];
  /** The context window, when to compact, the longest reply (agent/core/context). */
  context: ContextSettings;
  /** A tool result past this many tokens is cut for the model, with a note. */
  toolResultMaxTokens: number;
}

const modelId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'expected a model id such as claude-sonnet-4-5'));

const httpUrl = z.string().check(z.refine(isHttpUrl, 'expected an http(s) URL such as http://127.0.0.1:8000/mcp'));

/** Model rounds in one turn: WARDEN_MAX_TURNS, or -p's --max-turns (Claude Code's flag). */
const maxTurnsRule = z.coerce
  .number({ message: 'expected a number of model rounds' })
  .check(z.refine(Number.isInteger, 'expected a whole number'), z.minimum(1, 'expected at least 1'), z.maximum(100, 'expected at most 100'));

/** The agent's environment; keys are variable names (sign-in variables belong to auth/login/config.ts). */
export const agentConfigSchema = z.object({
  MCP_SERVER_URL: z._default(httpUrl, DEFAULT_SERVER_URL),
  ANTHROPIC_API_KEY: z.optional(z.string().check(z.trim(), z.minLength(1))),
  ANTHROPIC_BASE_URL: z.optional(httpUrl),
  ANTHROPIC_MODEL: z._default(modelId, DEFAULT_MODEL),
  WARDEN_MAX_TURNS: z._default(maxTurnsRule, DEFAULT_MAX_TURNS),
});

const timeoutMs = z.optional(
  z.coerce
    .number({ message: 'expected a number of milliseconds' })
    .check(z.refine(Number.isInteger, 'expected a whole number of milliseconds'), z.minimum(1, 'expected at least 1 ms')),
);

/** MCP client settings; read apart from the agent's so the main schema's defaults stay as they are. */
const mcpClientSchema = z.object({
  WARDEN_MCP_CONNECT_TIMEOUT_MS: timeoutMs,
  WARDEN_MCP_CALL_TIMEOUT_MS: timeoutMs,
  WARDEN_MCP_ROOTS: z.optional(z.string()),
  WARDEN_TOOL_SEARCH_THRESHOLD: z.optional(
    z.coerce.number({ message: 'expected a number of tools' }).check(z.refine(Number.isInteger, 'expected a whole number of tools'), z.minimum(0, 'expected 0 or more')),
  ),
});

const tokens = (what: string, min: number) =>
  z.optional(
    z.coerce
      .number({ message: `expected a number of tokens (${what})` })
      .check(z.refine(Number.isInteger, 'expected a whole number of tokens'), z.minimum(min, `expected at least ${min}`)),
  );

/** How Claude is asked: prompt caching (agent/core/model/request-body.ts), the context and its limits (agent/core/context). */
const modelSchema = z.object({
  WARDEN_PROMPT_CACHE: z.optional(z.enum(['5m', '1h', 'off'], { message: 'expected 5m, 1h or off' })),
  WARDEN_CONTEXT_WINDOW: tokens('the most of the model window to use', 1000),
  WARDEN_MAX_TOKENS: tokens('the longest reply', 1),
  WARDEN_TOOL_RESULT_MAX_TOKENS: tokens('the largest tool result sent to the model', 100),
  WARDEN_AUTO_COMPACT: z.optional(
    z.string().check(
      z.trim(),
      z.regex(/^(off|\d{1,2})$/, 'expected a percent of the context window (10–99) or off'),
      z.refine((v) => v === 'off' || Number(v) >= 10, 'expected at least 10 (percent)'),
    ),
  ),
});

const shortcutEnvSchema = z.object({ MCP_SERVER_URL: httpUrl });

// Flags are checked on their own so an error names the flag the user typed, not the variable.
const flagSchema = z.object({ '--server': z.optional(httpUrl), '--model': z.optional(modelId), '--max-turns': z.optional(maxTurnsRule) });

/** A comma list in MCP_SERVER_URL would otherwise be sent as one URL. */
function checkOneServerUrl(env: Env): void {
  if (env.MCP_SERVER_URL?.includes(',')) {
    throw new ConfigError('invalid MCP_SERVER_URL: it holds one URL; for several servers list them in ~/.config/warden/mcp.json or .mcp.json (warden mcp add NAME URL)');
  }
}

/**
 * The one-server shortcut's URL (--server over MCP_SERVER_URL), validated; undefined when
 * neither is set, so configured servers are used without the default one.
 */
export function shortcutServerUrl(env: Env, flag?: string): string | undefined {
  if (flag?.trim() === '') throw new ConfigError('invalid --server: expected a URL');
  checkOneServerUrl(env);
  if (flag !== undefined) return parseConfig(flagSchema, { '--server': flag })['--server'];
  return env.MCP_SERVER_URL ? parseConfig(shortcutEnvSchema, { MCP_SERVER_URL: env.MCP_SERVER_URL }).MCP_SERVER_URL : undefined;
}

/** Environment (and .env) plus flags → the agent's configuration. Throws ConfigError naming the variable or flag. */
export function loadAgentConfig(env: Env, flags: AgentFlags = {}): AgentConfig {
  // parseConfig treats '' as unset (for bare `.env` lines); a flag given empty is a mistake, though.
  if (flags.server?.trim() === '') throw new ConfigError('invalid --server: expected a URL');
  checkOneServerUrl(env);
  // Checked before the chat starts: the sign-ins read it when a server first needs a token.
  parseTokenStoreChoice(env[TOKEN_STORE_VARIABLE]);
  if (flags.model?.trim() === '') throw new ConfigError('invalid --model: expected a model id such as claude-sonnet-4-5');
  const f = parseConfig(flagSchema, { '--server': flags.server, '--model': flags.model, '--max-turns': flags.maxTurns });
  const p = parseConfig(agentConfigSchema, env);
  const model = f['--model'] ?? p.ANTHROPIC_MODEL;
  const m = parseConfig(mcpClientSchema, env);
  const threshold = m.WARDEN_TOOL_SEARCH_THRESHOLD;
  const settings = parseConfig(modelSchema, env);
  const roots = m.WARDEN_MCP_ROOTS?.split(delimiter)
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return {
    serverUrl: f['--server'] ?? p.MCP_SERVER_URL,
    ...(f['--server'] !== undefined ? { serverUrlVia: 'flag' as const } : env.MCP_SERVER_URL ? { serverUrlVia: 'env' as const } : {}),
    noAuth: flags.noAuth === true,
    ...(p.ANTHROPIC_API_KEY && {
      anthropic: {
        apiKey: p.ANTHROPIC_API_KEY,
        model,
        ...(p.ANTHROPIC_BASE_URL && { baseURL: p.ANTHROPIC_BASE_URL }),
        ...(threshold !== undefined && { toolSearchThreshold: threshold }),
        ...(settings.WARDEN_PROMPT_CACHE && { cacheTtl: settings.WARDEN_PROMPT_CACHE }),
        ...(settings.WARDEN_MAX_TOKENS !== undefined && { maxTokens: settings.WARDEN_MAX_TOKENS }),
      },
    }),
    context: {
      ...(settings.WARDEN_CONTEXT_WINDOW !== undefined && { window: settings.WARDEN_CONTEXT_WINDOW }),
      ...(settings.WARDEN_AUTO_COMPACT !== 'off' && { compactAtPercent: settings.WARDEN_AUTO_COMPACT ? Number(settings.WARDEN_AUTO_COMPACT) : DEFAULT_COMPACT_PERCENT }),
      ...(settings.WARDEN_MAX_TOKENS !== undefined && { maxTokens: settings.WARDEN_MAX_TOKENS }),
    },
    toolResultMaxTokens: settings.WARDEN_TOOL_RESULT_MAX_TOKENS ?? DEFAULT_TOOL_RESULT_MAX_TOKENS,
    maxTurns: f['--max-turns'] ?? p.WARDEN_MAX_TURNS,
    ...(m.WARDEN_MCP_CONNECT_TIMEOUT_MS !== undefined && { mcpConnectTimeoutMs: m.WARDEN_MCP_CONNECT_TIMEOUT_MS }),
    ...(m.WARDEN_MCP_CALL_TIMEOUT_MS !== undefined && { mcpCallTimeoutMs: m.WARDEN_MCP_CALL_TIMEOUT_MS }),
    ...(roots && roots.length > 0 && { roots }),
  };
}
