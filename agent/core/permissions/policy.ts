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
 * One server's rule never covers another server (issue 21 §5): a pattern `SERVER__TOOL` is split at
 * its first `__` and matched on the (server, tool) pair, so `files__read_*` never reaches a server
 * named `files__read_x`, nor `weather__*` one named `weather__x`. A pattern without `__` is matched
 * against the whole name as written (`*`, `*delete*`), and a deny pattern also against the whole
 * `SERVER__TOOL` name, so a deny never covers less than it says. A rule saved from a question
 * belongs to the server it was given for — its name and its identity (where it is configured and
 * where it points) — so a project server that takes the name of the user's server inherits nothing.
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

/**
 * A rule saved from the approval prompt: `a` (this tool) or `s` (this server's read-only tools),
 * for the server with this name and identity (`for`, serverIdentity()). The older forms without a
 * server identity (`{tool: "SERVER__TOOL"}`, `{readOnlyServer}`) count only for servers the user
 * configured themselves.
 */
export type SavedRule = { server: string; tool: string; for: string } | { server: string; readOnly: true; for: string } | { tool: string } | { readOnlyServer: string };

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
  /** The server's identity (serverIdentity()): what saved rules are bound to. */
  serverId?: string;
  /** The user configured this server themselves (not a project file): older saved rules count for it. */
  usersOwn?: boolean;
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
  if ('server' in rule) return 'tool' in rule ? `allow ${rule.server} › ${rule.tool}` : `allow ${rule.server}'s read-only tools`;
  return 'tool' in rule ? `allow ${rule.tool}` : `allow ${rule.readOnlyServer}'s read-only tools`;
}

export function sameRule(a: SavedRule, b: SavedRule): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

/** Whether a saved rule lets this call run: its server (by name and identity), and its tool or a read-only claim. */
function savedRuleCovers(rule: SavedRule, call: PolicyTool, readOnly: boolean): boolean {
  if ('server' in rule) return rule.server === call.server && rule.for === call.serverId && ('tool' in rule ? rule.tool === call.tool : readOnly);
  if (call.usersOwn !== true) return false;
  return 'tool' in rule ? rule.tool === qualifiedName(call.server, call.tool) : rule.readOnlyServer === call.server && readOnly;
}

const SEPARATOR = '__';

/**
 * Whether `pattern` names this call's tool: `SERVER__TOOL` on the (server, tool) pair (split at the
 * pattern's first `__`), a pattern without `__` against the whole name; the shortcut's tools also
 * by their plain name. `wholeName`: also against the whole `SERVER__TOOL` name (deny rules).
 */
export function patternMatches(pattern: string, call: Pick<PolicyTool, 'server' | 'tool' | 'plainName'>, wholeName = false): boolean {
  const qualified = qualifiedName(call.server, call.tool);
  if (call.plainName && globMatch(pattern, call.tool)) return true;
  const split = pattern.indexOf(SEPARATOR);
  if (split < 0 || wholeName) {
    if (globMatch(pattern, qualified)) return true;
    if (split < 0) return false;
  }
  return globMatch(pattern.slice(0, split), call.server) && globMatch(pattern.slice(split + SEPARATOR.length), call.tool);
}

export function decide(settings: PermissionSettings, call: PolicyTool): Verdict {
  const allows = (pattern: string): boolean => patternMatches(pattern, call);
  const denies = (pattern: string): boolean => patternMatches(pattern, call, true);

  const flagDeny = settings.disallowedTools.find(denies);
  if (flagDeny !== undefined) return { decision: 'deny', source: `--disallowed-tools ${flagDeny}` };
  const fileDeny = settings.deny.find((r) => denies(r.pattern));
  if (fileDeny) return { decision: 'deny', source: `permissions.deny "${fileDeny.pattern}" in ${fileDeny.file}` };
  if (settings.yes) return { decision: 'allow', source: '--yes' };
  const flagAllow = settings.allowedTools.find(allows);
  if (flagAllow !== undefined) return { decision: 'allow', source: `--allowed-tools ${flagAllow}` };
  const fileAllow = settings.allow.find((r) => allows(r.pattern));
  if (fileAllow) return { decision: 'allow', source: `permissions.allow "${fileAllow.pattern}" in ${fileAllow.file}` };
  const readOnly = claimsReadOnly(call.annotations);
  const saved = settings.saved.find((r) => savedRuleCovers(r, call, readOnly));
  if (saved) return { decision: 'allow', source: `saved rule: ${describeSavedRule(saved)}` };
  if (call.trust === 'all') return { decision: 'allow', source: `server ${call.server} trust "all"` };
  if (call.trust === 'read-only' && readOnly) return { decision: 'allow', source: `server ${call.server} trust "read-only" (the tool is declared read-only)` };
  return { decision: 'ask', source: `server ${call.server} trust "${call.trust}"` };
}
