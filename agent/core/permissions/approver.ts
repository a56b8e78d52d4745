/**
 * Decides, before a tool call runs, whether it runs: the policy's verdict, and when that is `ask`
 * the user's answer (a question on the call's record, see ToolCallRegistry.ask). Saves the rules
 * the user chose to keep, records every decision in the audit log, and words a denial for the
 * model and for the user.
 *
 * Not responsible for: the order of settings (policy.ts), the files (saved-rules.ts,
 * audit-log.ts, given as functions), running the call (tool-runner.ts).
 */
import { errorMessage } from '../../../config/error-text.js';
import type { MappedTool } from '../host/tool-names.js';
import type { ApprovalAnswer } from '../tool-calls/questions.js';
import type { ToolCallRegistry } from '../tool-calls/registry.js';
import type { Denial } from '../tool-calls/types.js';
import type { AuditEntry } from './audit-log.js';
import { claimsReadOnly, decide, describeSavedRule, sameRule, type PermissionSettings, type SavedRule, type Trust, type Verdict } from './policy.js';

export interface ApproverDeps {
  settings: PermissionSettings;
  /** Each server's trust (configured, or the default for where it came from). */
  trustOf: (server: string) => Trust;
  /** Each server's identity (host/server-identity.ts), which saved rules are bound to, and whether the user configured it themselves. */
  identityOf: (server: string) => { id: string; usersOwn: boolean };
  /** The one-server shortcut: patterns may name its tools without the server. */
  plainNames: boolean;
  /** Whether this front end can ask (the TUI); without, `ask` means deny (-p). */
  canAsk: boolean;
  /** Persists a rule the user chose to keep (the user file). */
  save?: (rule: SavedRule) => Promise<void>;
  /** Removes a saved rule from where it is kept. */
  remove?: (rule: SavedRule) => Promise<boolean>;
  audit?: (entry: AuditEntry) => void;
}

export type Approval =
  /** `notice`: something the user should know (a rule that could not be saved). */
  | { run: true; notice?: string }
  /** `result`: the tool_result text for the model; `notice`: a line for the user when they were not asked. */
  | { run: false; denied: Denial; reason: string; result: string; notice?: string };

const label = (tool: MappedTool): string => `${tool.server} › ${tool.tool}`;

export class Approver {
  private settings: PermissionSettings;
  /** Calls waiting for an answer, with their tool and registry: a rule saved meanwhile may answer them. */
  private readonly waiting = new Map<string, { tool: MappedTool; registry: ToolCallRegistry }>();
  /** Waiting calls a newly saved rule let through (their audit names the rule, not an answer). */
  private readonly covered = new Map<string, string>();

  constructor(private readonly deps: ApproverDeps) {
    this.settings = deps.settings;
  }

  /** The saved rules in effect (including those saved during this session). */
  savedRules(): readonly SavedRule[] {
    return this.settings.saved;
  }

  /** Configuration rules, for /permissions. */
  fileRules(): Pick<PermissionSettings, 'allow' | 'deny'> {
    return { allow: this.settings.allow, deny: this.settings.deny };
  }

  verdict(tool: MappedTool): Verdict {
    const identity = this.deps.identityOf(tool.server);
    return decide(this.settings, {
      server: tool.server,
      tool: tool.tool,
      annotations: tool.annotations,
      trust: this.deps.trustOf(tool.server),
      plainName: this.deps.plainNames,
      serverId: identity.id,
      usersOwn: identity.usersOwn,
    });
  }

  /**
   * Whether the call may run. Asks on the call's record when the policy says `ask` and the front
   * end can; rejects when the call is cancelled while it waits (as a running call's would).
   */
  async approve(tool: MappedTool, callId: string, registry: ToolCallRegistry): Promise<Approval> {
    const verdict = this.verdict(tool);
    const args = registry.get(callId)?.args ?? {};
    const audit = (decision: 'allow' | 'deny', source: string): void => this.deps.audit?.({ server: tool.server, tool: tool.tool, decision, source, args, callId });
    if (verdict.decision === 'allow') {
      audit('allow', verdict.source);
      return { run: true };
    }
    if (verdict.decision === 'deny') {
      audit('deny', verdict.source);
      const why = `denied by ${verdict.source}`;
      return {
        run: false,
        denied: 'rule',
        reason: why,
        result: `The user declined this tool call: their settings do not allow it (${verdict.source}). It was not run.`,
        notice: `${label(tool)} was ${why}`,
      };
    }
    if (!this.deps.canAsk) {
      // The front end names the flag that would allow it (print mode, at the end of the run).
      audit('deny', `not allowed without asking (${verdict.source})`);
      return {
        run: false,
        denied: 'cannot-ask',
        reason: 'denied: it needs approval, and this run cannot ask',
        result: 'The user declined this tool call: it needs their approval, and this run cannot ask for it (no prompts). It was not run.',
      };
    }
    const asked = registry.ask(callId, { kind: 'approval', annotations: tool.annotations, readOnly: claimsReadOnly(tool.annotations) });
    this.waiting.set(callId, { tool, registry });
    let answer: ApprovalAnswer;
    try {
      answer = await asked;
    } finally {
      this.waiting.delete(callId);
    }
    const rule = this.covered.get(callId);
    if (rule !== undefined) {
      this.covered.delete(callId);
      audit('allow', rule);
      return { run: true };
    }
    return this.answered(tool, answer, audit);
  }

  /** After a rule is saved: other calls waiting for the same answer go on without being asked again. */
  private releaseCovered(): void {
    for (const [callId, { tool, registry }] of this.waiting) {
      const verdict = this.verdict(tool);
      if (verdict.decision !== 'allow') continue;
      this.covered.set(callId, verdict.source);
      registry.answer(callId, { kind: 'approval', decision: 'once' });
    }
  }

  private async answered(tool: MappedTool, answer: ApprovalAnswer, audit: (decision: 'allow' | 'deny', source: string) => void): Promise<Approval> {
    switch (answer.decision) {
      case 'once':
        audit('allow', 'user: allowed once');
        return { run: true };
      case 'always':
        audit('allow', 'user: allowed this tool always');
        return this.remember({ server: tool.server, tool: tool.tool, for: this.deps.identityOf(tool.server).id });
      case 'server-read-only':
        audit('allow', `user: allowed ${tool.server}'s read-only tools`);
        return this.remember({ server: tool.server, readOnly: true, for: this.deps.identityOf(tool.server).id });
      case 'deny': {
        audit('deny', answer.reason ? 'user: denied with a reason' : 'user: denied');
        const reason = answer.reason ? `denied by you: ${answer.reason}` : 'denied by you';
        return {
          run: false,
          denied: 'user',
          reason,
          result: answer.reason ? `The user declined this tool call. Their reason: ${answer.reason}` : 'The user declined this tool call. It was not run.',
        };
      }
    }
  }

  /** The rule holds at once for this session; saving it is best effort (a failure says so, the call still runs). */
  private async remember(rule: SavedRule): Promise<Approval> {
    if (!this.settings.saved.some((r) => sameRule(r, rule))) this.settings = { ...this.settings, saved: [...this.settings.saved, rule] };
    this.releaseCovered();
    try {
      await this.deps.save?.(rule);
      return { run: true };
    } catch (error) {
      return { run: true, notice: `could not save the rule "${describeSavedRule(rule)}" (it holds until you quit): ${errorMessage(error)}` };
    }
  }

  /** Forgets a saved rule (here and where it is kept); false when there was no such rule. */
  async forget(rule: SavedRule): Promise<boolean> {
    const had = this.settings.saved.some((r) => sameRule(r, rule));
    this.settings = { ...this.settings, saved: this.settings.saved.filter((r) => !sameRule(r, rule)) };
    const removed = (await this.deps.remove?.(rule)) ?? false;
    return had || removed;
  }
}
