/**
 * The tool permissions of one run, from its flags and files: --allowed-tools / --disallowed-tools
 * patterns, --yes, the files' rules, where saved rules and the audit log go, and whether the front
 * end can ask. Shared by the chat, -p and the demo.
 *
 * Not responsible for deciding (agent/core/permissions/policy.ts).
 */
import { UsageError } from '../../config/errors.js';
import type { AgentEngineDeps } from '../core/engine.js';
import type { FilePermissionRules } from '../core/host/load-servers.js';
import { AuditLog } from '../core/permissions/audit-log.js';
import { removeRule, saveRule } from '../core/permissions/saved-rules.js';

/** Names and `*`: anything printable but spaces and commas, which separate patterns. */
const PATTERN = /^[^\s,\u0000-\u001f\u007f-\u009f]{1,200}$/;

/**
 * `--allowed-tools "files__read_*,weather__*"` (repeatable; commas or spaces between patterns).
 * Claude Code names an MCP tool `mcp__SERVER__TOOL`: that prefix is dropped, so its scripts' lists work.
 */
export function toolPatterns(values: readonly string[] | undefined, flag: string): string[] {
  const patterns = (values ?? [])
    .flatMap((v) => v.split(/[\s,]+/))
    .filter((p) => p !== '')
    .map((p) => (/^mcp__.+__/.test(p) ? p.slice('mcp__'.length) : p));
  if (values && values.length > 0 && patterns.length === 0) throw new UsageError(`${flag} needs tool patterns such as files__read_* or weather__*`);
  const bad = patterns.find((p) => !PATTERN.test(p));
  if (bad !== undefined) throw new UsageError(`invalid ${flag} pattern: expected a tool name such as files__read_* (SERVER__TOOL, * for any characters)`);
  return patterns;
}

export interface PermissionSetup {
  allowedTools: string[];
  disallowedTools: string[];
  yes: boolean;
  files: FilePermissionRules;
  /** The chat asks; -p cannot. */
  canAsk: boolean;
  /** Where rules saved from a prompt go (the user file). */
  userFile: string;
  auditFile: string;
  onWarning: (line: string) => void;
}

/** The engine's `permissions`; the audit log is returned too, so the caller can wait for it before exit. */
export function permissionDeps(setup: PermissionSetup): { permissions: NonNullable<AgentEngineDeps['permissions']>; audit: AuditLog } {
  const audit = new AuditLog({ path: setup.auditFile, onError: setup.onWarning });
  return {
    audit,
    permissions: {
      settings: {
        allowedTools: setup.allowedTools,
        disallowedTools: setup.disallowedTools,
        yes: setup.yes,
        allow: setup.files.allow,
        deny: setup.files.deny,
        saved: setup.files.saved,
      },
      canAsk: setup.canAsk,
      save: (rule) => saveRule(setup.userFile, rule),
      remove: (rule) => removeRule(setup.userFile, rule),
      audit: (entry) => audit.record(entry),
    },
  };
}
