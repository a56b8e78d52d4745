import { type ChildProcess, spawn } from 'node:child_process';
import { launchLine } from './launch-protocol.js';

/**
 * The program that stands between Warden and a stdio server (`node stdio-launcher.js -- COMMAND ARGS…`).
 * The SDK's StdioClientTransport cannot spawn a process group, and Warden must be able to end a
 * server with everything it started (`npx` → node → …), keep Ctrl-C in the terminal from reaching
 * it, and learn how it exited. The launcher starts the command in its own process group with the
 * same stdio (no copying), ends that group when it is told to stop, when the server exits, or when
 * Warden disappears, and reports its start and the server's exit on stderr (launch-protocol.ts).
 * Not responsible for MCP (it never reads the pipes) nor for logs (Warden reads stderr).
 */

/** How long the group has to end after SIGTERM before it is killed. */
const STOP_GRACE_MS = 2000;
/** How often the launcher checks that Warden is still its parent. */
const PARENT_CHECK_MS = 1000;

function report(line: Parameters<typeof launchLine>[0], then?: () => void): void {
  process.stderr.write(launchLine(line), then);
}

function main(argv: readonly string[]): void {
  const separator = argv.indexOf('--');
  const [command, ...args] = separator >= 0 ? argv.slice(separator + 1) : argv;
  if (!command) {
    report({ event: 'exit', error: 'no command' }, () => process.exit(2));
    return;
  }
  let child: ChildProcess;
  const group = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    group('SIGTERM');
    setTimeout(() => {
      group('SIGKILL');
      process.exit(143);
    }, STOP_GRACE_MS).unref();
  };
  const failed = (error: NodeJS.ErrnoException): void => report({ event: 'exit', error: error.code ?? error.message }, () => process.exit(127));
  try {
    child = spawn(command, args, { stdio: 'inherit', detached: true });
  } catch (error) {
    failed(error as NodeJS.ErrnoException);
    return;
  }
  child.on('error', failed);
  child.on('spawn', () => report({ event: 'started', pid: process.pid }));
  child.on('exit', (code, signal) => {
    group('SIGKILL');
    report({ event: 'exit', code, signal }, () => process.exit(code ?? 1));
  });
  // Ctrl-C in Warden's terminal reaches its whole foreground group: it is Warden's to handle.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, PARENT_CHECK_MS).unref();
}

main(process.argv.slice(2));
