import { config as parseDotenvFile } from 'dotenv';
import type * as core from 'zod/v4/core';
import { safeParse } from 'zod/mini';
import { ConfigError } from './errors.js';

export type Env = Record<string, string | undefined>;

/**
 * The environment a command sees: process env over `.env` (dotenv never overrides
 * variables that are already set). The result is a copy so tests can pass their own.
 */
export function loadEnv(options: { env?: Env; dotenvPath?: string } = {}): Env {
  const base: Env = { ...(options.env ?? process.env) };
  const fromFile: Env = {};
  parseDotenvFile({ path: options.dotenvPath ?? '.env', processEnv: fromFile as Record<string, string>, quiet: true });
  for (const [key, value] of Object.entries(fromFile)) {
    if (base[key] === undefined) base[key] = value;
  }
  return base;
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
