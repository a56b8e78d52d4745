import { readFileSync } from 'node:fs';
import { auditLogFile } from '../../agent/core/host/paths.js';

/** The audit log under `home` (~/.config/warden/audit.log), one parsed JSON object per decision. */
export function auditLines(home: string): Array<Record<string, unknown>> {
  return readFileSync(auditLogFile(home), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
