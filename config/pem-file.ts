import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * Reads a PEM file named by a setting (AUTH_PUBLIC_KEY_FILE, WARDEN_DEV_CA_FILE): the one place
 * that turns an unreadable or non-PEM file into a one-line ConfigError naming the variable.
 * Not responsible for parsing the key or certificate (the caller knows what it needs).
 */
export function readPemFile(path: string, variable: string, expected: 'certificate' | 'any' = 'any'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`invalid ${variable}: cannot read ${path} (${code})`);
  }
  if (expected === 'certificate' && !text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`invalid ${variable}: ${path} holds no PEM certificate`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`invalid ${variable}: ${path} is not a PEM file`);
  return text;
}
