import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import type { Env } from '../config/load.js';
import { parseConfig } from '../config/load.js';
import { httpUrl } from '../config/schema-helpers.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8000/mcp';
/** The current Sonnet (see the `Model` union of @anthropic-ai/sdk); ANTHROPIC_MODEL or --model overrides it. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_MAX_TURNS = 10;

/** Flags of the chat command (`warden`, `warden -p`); each overrides its environment variable. */
export interface AgentFlags {
  server?: string;
  model?: string;
  noAuth?: boolean;
}

export interface AgentConfig {
  /** The MCP endpoint, e.g. http://127.0.0.1:8000/mcp. */
  serverUrl: string;
  /** --no-auth: never send a token. */
  noAuth: boolean;
  /** Claude settings; undefined without ANTHROPIC_API_KEY, which selects the offline demo model. */
  anthropic?: { apiKey: string; baseURL?: string; model: string };
  /** Model rounds (model → tools → model …) one turn may take before it is stopped. */
  maxTurns: number;
}

const modelId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'expected a model id such as claude-sonnet-4-5');

/** The agent's environment; keys are variable names (sign-in variables belong to auth/login/config.ts). */
export const agentConfigSchema = z.object({
  MCP_SERVER_URL: httpUrl.default(DEFAULT_SERVER_URL),
  ANTHROPIC_API_KEY: z.string().trim().min(1).optional(),
  ANTHROPIC_BASE_URL: httpUrl.optional(),
  ANTHROPIC_MODEL: modelId.default(DEFAULT_MODEL),
  WARDEN_MAX_TURNS: z.coerce
    .number({ message: 'expected a number of model rounds' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(100, 'expected at most 100')
    .default(DEFAULT_MAX_TURNS),
});

// Flags are checked on their own so an error names the flag the user typed, not the variable.
const flagSchema = z.object({ '--server': httpUrl.optional(), '--model': modelId.optional() });

/** Environment (and .env) plus flags → the agent's configuration. Throws ConfigError naming the variable or flag. */
export function loadAgentConfig(env: Env, flags: AgentFlags = {}): AgentConfig {
  // parseConfig treats '' as unset (for bare `.env` lines); a flag given empty is a mistake, though.
  if (flags.server?.trim() === '') throw new ConfigError('invalid --server: expected a URL');
  if (flags.model?.trim() === '') throw new ConfigError('invalid --model: expected a model id such as claude-sonnet-4-5');
  const f = parseConfig(flagSchema, { '--server': flags.server, '--model': flags.model });
  const p = parseConfig(agentConfigSchema, env);
  const model = f['--model'] ?? p.ANTHROPIC_MODEL;
  return {
    serverUrl: f['--server'] ?? p.MCP_SERVER_URL,
    noAuth: flags.noAuth === true,
    ...(p.ANTHROPIC_API_KEY && {
      anthropic: { apiKey: p.ANTHROPIC_API_KEY, model, ...(p.ANTHROPIC_BASE_URL && { baseURL: p.ANTHROPIC_BASE_URL }) },
    }),
    maxTurns: p.WARDEN_MAX_TURNS,
  };
}
