import { z } from 'zod';
import { isHttpUrl } from './http-url.js';

/** Env-style booleans: 1/0, true/false, yes/no, on/off. */
export const envBoolean = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
  return z.NEVER;
});

/** A TCP port; 0 asks the OS for a free one. */
export const port = z.coerce
  .number({ message: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

/** Comma-separated list → trimmed, non-empty items. */
export const commaList = z.union([z.array(z.string()), z.string()]).transform((value) => (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean));

export const httpUrl = z.string().refine(isHttpUrl, 'expected an http(s) URL');
