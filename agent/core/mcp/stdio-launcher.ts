/**
 * The few lines of Node that stand between Warden and a stdio server: the SDK's
 * StdioClientTransport cannot spawn a process group, and Warden must be able to end a server
 * with everything it started (`npx` → node → …), keep Ctrl-C in the terminal from reaching it,
 * and learn how it exited. The launcher starts the command in its own process group with the
 * same stdio (no copying), ends that group when it is told to stop, when the server exits, or
 * when Warden disappears, and reports the exit on stderr behind EXIT_MARK.
 *
 * Using the SDK transport itself (not a subclass) keeps its disposable-sibling version probe,
 * which old stdio servers that exit on an unknown first request need.
 */

/** Prefix of the launcher's one exit line on stderr (JSON follows); never written to the server log. */
export const EXIT_MARK = '\u0000warden-stdio-exit ';

const SCRIPT = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const MARK = ${JSON.stringify(EXIT_MARK)};
let child;
const group = (signal) => { try { process.kill(-child.pid, signal); } catch {} };
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  group('SIGTERM');
  setTimeout(() => { group('SIGKILL'); process.exit(143); }, 2000);
};
try {
  child = spawn(command, args, { stdio: 'inherit', detached: true });
} catch (error) {
  process.stderr.write(MARK + JSON.stringify({ error: error.code || error.message }) + '\\n');
  process.exit(127);
}
child.on('error', (error) => {
  process.stderr.write(MARK + JSON.stringify({ error: error.code || error.message }) + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => {
  group('SIGKILL');
  process.stderr.write(MARK + JSON.stringify({ code, signal }) + '\\n', () => process.exit(code ?? 1));
});
// Ctrl-C in Warden's terminal reaches its whole foreground group: it is Warden's to handle.
process.on('SIGINT', () => {});
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) stop(); }, 1000);
`;

/** The launcher as a command line: `node -e SCRIPT COMMAND ARGS…`. */
export function launcherCommand(command: string, args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ['-e', SCRIPT, '--', command, ...args] };
}
