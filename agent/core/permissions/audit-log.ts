/**
 * The audit log of tool-call decisions: one JSON line per decision (time, server, tool,
 * decision, the setting or answer that decided, arguments with secret-looking values replaced;
 * with tracing on, the trace and span IDs of the turn it was decided in),
 * appended to ~/.config/warden/audit.log, created private (0600).
 *
 * Not responsible for deciding (policy.ts) or rotating the file. Writes are queued in order and
 * never throw into a call: a failure is reported once through `onError`.
 */
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../../../config/private-file.js';
import { activeTraceIds } from '../../../config/telemetry.js';
import { errorMessage } from '../../../config/error-text.js';
import { redactArgs } from '../redaction.js';

export interface AuditEntry {
  server: string;
  tool: string;
  decision: 'allow' | 'deny';
  /** What decided: a flag, a configuration rule, a saved rule, the server's trust, or the user's answer. */
  source: string;
  args: Readonly<Record<string, unknown>>;
  /** The call decided about (the model's tool_use id); not written to the log. */
  callId?: string;
}

/** What of an argument value the log keeps: 200 characters, 4 levels, 20 items. */
const AUDIT_LIMITS = { maxChars: 200, maxDepth: 4, maxItems: 20 };

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
      args: redactArgs(entry.args, AUDIT_LIMITS),
      // With tracing on, the decision sits in the turn's trace: an operator finds it beside the call's spans.
      ...activeTraceIds(),
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
