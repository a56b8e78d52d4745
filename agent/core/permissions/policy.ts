/**
 * Whether a tool call may run: `allow`, `ask` or `deny`, and which setting said so.
 *
 * Order (the first that speaks decides, except that a deny anywhere wins over every allow):
 * --disallowed-tools, then permissions.deny in the configuration files; --yes; --allowed-tools;
 * permissions.allow; rules the user saved from a prompt; last the server's trust: `all` runs
 * everything, `read-only` runs tools the server declares read-only (and not destructive), `ask`
 * asks for everything. A server's annotations are only ever read under `read-only` trust (the
 * user's or the configuration's), so an untrusted server cannot talk its way past the question.
 *
 * Pure: no files, no clock. Not responsible for asking (approver.ts) or storing rules (saved-rules.ts).
 */
import { globMatch } from '../host/glob.js';
import type { ToolAnnotations } from '../tool-calls/questions.js';

export type Trust = 'ask' | 'read-only' | 'all';
export type Decision = 'allow' | 'ask' | 'deny';

/** A pattern from a configuration file's `permissions.allow` / `permissions.deny`. */
export interface PermissionRule {
  pattern: string;
  file: string;
}

/** A rule saved from the approval prompt: `a` (this tool) or `s` (this server's read-only tools). */
export type SavedRule = { tool: string } | { readOnlyServer: string };

export interface PermissionSettings {
  /** --allowed-tools patterns. */
  allowedTools: readonly string[];
  /** --disallowed-tools patterns. */
  disallowedTools: readonly string[];
  /** --yes: every call not denied runs, for this run. */
  yes: boolean;
  allow: readonly PermissionRule[];
  deny: readonly PermissionRule[];
  saved: readonly SavedRule[];
}

export const NO_PERMISSIONS: PermissionSettings = { allowedTools: [], disallowedTools: [], yes: false, allow: [], deny: [], saved: [] };

export interface PolicyTool {
  server: string;
  /** The tool's own name on its server. */
  tool: string;
  annotations: ToolAnnotations;
  trust: Trust;
  /** The one-server shortcut: patterns may also name the tool alone (`reverse`). */
  plainName?: boolean;
}

export interface Verdict {
  decision: Decision;
  /** The setting that decided, as the user would write it, e.g. `--allowed-tools files__read_*`. */
  source: string;
}

/** `SERVER__TOOL`: the name patterns and saved rules use (the model's name may be shortened; this one never is). */
export function qualifiedName(server: string, tool: string): string {
  return `${server}__${tool}`;
}

/** Declared read-only and not also destructive (a contradiction is treated as the worse claim). */
export function claimsReadOnly(annotations: ToolAnnotations): boolean {
  return annotations.readOnlyHint === true && annotations.destructiveHint !== true;
}

export function describeSavedRule(rule: SavedRule): string {
  return 'tool' in rule ? `allow ${rule.tool}` : `allow ${rule.readOnlyServer}'s read-only tools`;
}

export function sameRule(a: SavedRule, b: SavedRule): boolean {
  return 'tool' in a ? 'tool' in b && a.tool === b.tool : 'readOnlyServer' in b && a.readOnlyServer === b.readOnlyServer;
}

export function decide(settings: PermissionSettings, call: PolicyTool): Verdict {
  const qualified = qualifiedName(call.server, call.tool);
  const names = call.plainName ? [qualified, call.tool] : [qualified];
  const matching = (patterns: readonly string[]): string | undefined => patterns.find((p) => names.some((n) => globMatch(p, n)));
  const fromFile = (rules: readonly PermissionRule[]): PermissionRule | undefined => rules.find((r) => names.some((n) => globMatch(r.pattern, n)));

  const flagDeny = matching(settings.disallowedTools);
  if (flagDeny !== undefined) return { decision: 'deny', source: `--disallowed-tools ${flagDeny}` };
  const fileDeny = fromFile(settings.deny);
  if (fileDeny) return { decision: 'deny', source: `permissions.deny "${fileDeny.pattern}" in ${fileDeny.file}` };
  if (settings.yes) return { decision: 'allow', source: '--yes' };
  const flagAllow = matching(settings.allowedTools);
  if (flagAllow !== undefined) return { decision: 'allow', source: `--allowed-tools ${flagAllow}` };
  const fileAllow = fromFile(settings.allow);
  if (fileAllow) return { decision: 'allow', source: `permissions.allow "${fileAllow.pattern}" in ${fileAllow.file}` };
  const readOnly = claimsReadOnly(call.annotations);
  const saved = settings.saved.find((r) => ('tool' in r ? r.tool === qualified : r.readOnlyServer === call.server && readOnly));
  if (saved) return { decision: 'allow', source: `saved rule: ${describeSavedRule(saved)}` };
  if (call.trust === 'all') return { decision: 'allow', source: `server ${call.server} trust "all"` };
  if (call.trust === 'read-only' && readOnly) return { decision: 'allow', source: `server ${call.server} trust "read-only" (the tool is declared read-only)` };
  return { decision: 'ask', source: `server ${call.server} trust "${call.trust}"` };
}
