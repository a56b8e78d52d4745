/**
 * What the stdio launcher (stdio-launcher.ts) and Warden say to each other on the launcher's stderr:
 * one line when it has started the server (with its own pid), one when the server has ended.
 * Shared by both sides so neither can drift; nothing else here.
 */

/** Prefix of the launcher's own lines on stderr (JSON follows); never written to the server log. */
export const LAUNCH_MARK = '\u0000warden-stdio ';

export type LaunchLine =
  /** The launcher runs (its pid is what Warden ends on exit) and the server was spawned. */
  | { event: 'started'; pid: number }
  /** The server ended: its exit code or signal, or why it could not start (e.g. ENOENT). */
  | { event: 'exit'; code: number | null; signal: string | null }
  | { event: 'exit'; error: string };

export function launchLine(line: LaunchLine): string {
  return `${LAUNCH_MARK}${JSON.stringify(line)}\n`;
}

/** The launcher's line, or undefined for the server's own stderr (and for a forged or cut line). */
export function readLaunchLine(line: string): LaunchLine | undefined {
  if (!line.startsWith(LAUNCH_MARK)) return undefined;
  try {
    const value = JSON.parse(line.slice(LAUNCH_MARK.length)) as LaunchLine;
    return value && (value.event === 'started' || value.event === 'exit') ? value : undefined;
  } catch {
    return undefined;
  }
}
