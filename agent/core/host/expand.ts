/**
 * `${VAR}` and `${VAR:-default}` in server settings, so keys live in the environment and not in
 * the file. Only a variable the text names is ever read; an unset one without a default is an
 * error naming the variable (the caller adds file, server and key).
 *
 * Not responsible for: which settings expand (config-files.ts: url, headers, args, env only).
 */
import type { Env } from '../../../config/load.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingVariableError extends Error {
  override readonly name = 'MissingVariableError';
  constructor(readonly variable: string) {
    super(`\${${variable}} is not set (set it, or give a default: \${${variable}:-value})`);
  }
}

export interface Expanded {
  value: string;
  /** The variables referenced, in order (each once): such a setting carries the user's environment. */
  variables: string[];
}

/** The variables `text` references, without reading any (what an approval shows). */
export function referencedVariables(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(REFERENCE), (m) => m[1] ?? ''))];
}

/** Expands references in `text` from `env`; `${VAR:-d}` uses `d` when VAR is unset or empty, as a shell does. */
export function expandVariables(text: string, env: Env): Expanded {
  const value = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (fallback !== undefined) return found ? found : fallback;
    if (found === undefined) throw new MissingVariableError(name);
    return found;
  });
  return { value, variables: referencedVariables(text) };
}
