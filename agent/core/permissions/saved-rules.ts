/**
 * Rules the user saved from the approval prompt (`a`: this tool, `s`: this server's read-only
 * tools), each bound to the server's name and identity (policy.ts), kept in the user's own file (~/.config/warden/mcp.json) under `permissions.saved`, beside
 * their servers and their own `permissions.allow`/`deny`, which are left as they are.
 *
 * Not responsible for reading them at start (the configuration loader does, with the schema).
 */
import { editServerFile, type JsonObject } from '../host/server-file-edit.js';
import { sameRule, type SavedRule } from './policy.js';

function savedList(root: JsonObject): unknown[] {
  const permissions = typeof root.permissions === 'object' && root.permissions !== null && !Array.isArray(root.permissions) ? (root.permissions as JsonObject) : {};
  root.permissions = permissions;
  const saved = Array.isArray(permissions.saved) ? permissions.saved : [];
  permissions.saved = saved;
  return saved;
}

const isRule = (value: unknown): value is SavedRule =>
  typeof value === 'object' &&
  value !== null &&
  (typeof (value as { tool?: unknown }).tool === 'string' ||
    typeof (value as { readOnlyServer?: unknown }).readOnlyServer === 'string' ||
    (value as { readOnly?: unknown }).readOnly === true);

/** Adds `rule` to the user file unless it is there already. */
export async function saveRule(path: string, rule: SavedRule): Promise<void> {
  await editServerFile(path, (_servers, root) => {
    const saved = savedList(root);
    if (saved.some((r) => isRule(r) && sameRule(r, rule))) return false;
    saved.push(rule);
    return true;
  });
}

/** Removes `rule` from the user file; false when it was not there. */
export async function removeRule(path: string, rule: SavedRule): Promise<boolean> {
  const { changed } = await editServerFile(path, (_servers, root) => {
    const saved = savedList(root);
    const index = saved.findIndex((r) => isRule(r) && sameRule(r, rule));
    if (index < 0) return false;
    saved.splice(index, 1);
    return true;
  });
  return changed;
}
