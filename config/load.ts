import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import type * as core from 'zod/v4/core';
import { safeParse } from 'zod/mini';
import { ConfigError } from './errors.js';

export type Env = Record<string, string | undefined>;

/**
 * The environment the server commands (`serve`, `dev-idp`) see: process env over the operator's
 * `./.env` (dotenv never overrides variables that are already set). The result is a copy so tests
 * can pass their own. The agent reads a project's `.env` only once the user approved it
 * (agent/core/host/agent-env.ts).
 */
export function loadEnv(options: { env?: Env; dotenvPath?: string } = {}): Env {
  return withDefaults({ ...(options.env ?? process.env) }, readDotenvFile(options.dotenvPath ?? '.env')?.values ?? {});
}

/** A `.env` file's variables and the SHA-256 of its bytes; undefined when there is none (or it cannot be read). */
export function readDotenvFile(path: string): { values: Record<string, string>; hash: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  return { values: parseDotenv(bytes), hash: createHash('sha256').update(bytes).digest('hex') };
}

/** `env` with `defaults` filling only what it leaves unset (as dotenv does). */
export function withDefaults(env: Env, defaults: Record<string, string>): Env {
  for (const [key, value] of Object.entries(defaults)) {
    if (env[key] === undefined) env[key] = value;
  }
  return env;
}

/** Drops unset and empty values so zod defaults apply to `FOO=` lines in `.env`. */
export function definedOnly<T>(input: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(input).filter((entry): entry is [string, T] => entry[1] !== undefined && entry[1] !== ''));
}

/**
 * Parses config input (keys are env variable names; flags are mapped onto them before)
 * and turns the first zod issue into one line that names the variable.
 */
export function parseConfig<S extends core.$ZodType>(schema: S, input: Record<string, unknown>): core.output<S> {
  // Works for classic and mini schemas alike (mini keeps the chat's start-up light).
  const result = safeParse(schema, definedOnly(input));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.length ? issue.path.join('.') : 'configuration';
  throw new ConfigError(`invalid ${variable}: ${issue?.message ?? 'invalid value'}`);
}
