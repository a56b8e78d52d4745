/**
 * The audit log of tool-call decisions: one JSON line per decision (time, server, tool,
 * decision, the setting or answer that decided, arguments with secret-looking values replaced),
 * appended to ~/.config/warden/audit.log, created private (0600).
 *
 * Not responsible for deciding (policy.ts) or rotating the file. Writes are queued in order and
 * never throw into a call: a failure is reported once through `onError`.
 */
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../../../config/private-file.js';
import { errorMessage } from '../../../config/error-text.js';

export interface AuditEntry {
  server: string;
  tool: string;
  decision: 'allow' | 'deny';
  /** What decided: a flag, a configuration rule, a saved rule, the server's trust, or the user's answer. */
  source: string;
  args: Readonly<Record<string, unknown>>;
}

export const REDACTED = '[redacted]';
/** Argument names whose values are secrets whatever they look like. */
const SECRET_KEY = /pass(word|phrase)?|secret|token|api[-_]?key|auth|credential|cookie|session|private|signature/i;
/** Values that are secrets whatever their name: JWTs, auth headers, PEM keys, common key prefixes. */
const SECRET_VALUE = [
  /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/,
  /^(bearer|basic)\s+\S+/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^(sk|pk|rk|ghp|gho|ghs|github_pat|xox[abprs]|AKIA|ASIA|AIza)[-_A-Za-z0-9]{10,}/,
];
/** Characters of a value kept in the log. */
const VALUE_CHARS = 200;

/** A long unbroken run of letters and digits (both) reads as a generated key. */
function looksGenerated(value: string): boolean {
  return /^[A-Za-z0-9+/=_-]{32,}$/.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    if (SECRET_VALUE.some((r) => r.test(value)) || looksGenerated(value)) return REDACTED;
    return value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}…` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redactValue(v, depth + 1));
  return redactArgs(value as Record<string, unknown>, depth + 1);
}

/** The arguments with every secret-looking value replaced by `[redacted]`, long values cut. */
export function redactArgs(args: Readonly<Record<string, unknown>>, depth = 0): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, SECRET_KEY.test(key) ? REDACTED : redactValue(value, depth)]));
}

export interface AuditLogOptions {
  path: string;
  now?: () => number;
  onError?: (message: string) => void;
}

export class AuditLog {
  private queue: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly options: AuditLogOptions) {}

  record(entry: AuditEntry): void {
    const line = `${JSON.stringify({
      time: new Date((this.options.now ?? Date.now)()).toISOString(),
      server: entry.server,
      tool: entry.tool,
      decision: entry.decision,
      source: entry.source,
      args: redactArgs(entry.args),
    })}\n`;
    this.queue = this.queue
      .then(async () => {
        await ensurePrivateDir(dirname(this.options.path));
        await appendFile(this.options.path, line, { mode: 0o600 });
      })
      .catch((error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.options.onError?.(`cannot write the audit log ${this.options.path}: ${errorMessage(error)}`);
      });
  }

  /** Resolves when everything recorded so far is written (tests, and before exit). */
  flushed(): Promise<void> {
    return this.queue;
  }
}
