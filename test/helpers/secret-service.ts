import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A real freedesktop Secret Service for tests: GNOME Keyring in a private D-Bus session bus (Debian
 * packages gnome-keyring, dbus, libsecret-tools; .ci/run installs them). The bus is this test's
 * own `dbus-daemon --session`; the keyring's `login` collection is created and unlocked with a
 * throw-away password in a scratch home, so nothing touches the developer's own keyring. Warden
 * reaches it through `DBUS_SESSION_BUS_ADDRESS` in `env`; `lookup` reads an entry as `secret-tool`
 * does. The keyring daemon ends with the bus.
 */
export interface PrivateSecretService {
  /** What a process needs to reach this Secret Service. */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  /** The secret stored under these attributes, or undefined (secret-tool lookup). */
  lookup(attributes: Record<string, string>): Promise<string | undefined>;
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** Whether the programs are installed (`.ci/run` installs them; a developer may not have). */
export function hasSecretService(): boolean {
  return ['dbus-daemon', 'gnome-keyring-daemon', 'secret-tool'].every((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0);
}

export async function startSecretService(): Promise<PrivateSecretService> {
  const home = mkdtempSync(join(tmpdir(), 'warden-keyring-'));
  const bus: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  bus.stdout?.setEncoding('utf8');
  const address = await new Promise<string>((resolve, reject) => {
    bus.stdout?.on('data', (chunk: string) => {
      printed += chunk;
      const line = printed.split('\n')[0];
      if (printed.includes('\n') && line) resolve(line.trim());
    });
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${String(code)}) before printing its address`)));
    bus.once('error', reject);
  });
  const env = { DBUS_SESSION_BUS_ADDRESS: address };
  const keyringEnv = { PATH: process.env.PATH ?? '', HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, ...env };
  // --unlock reads the password from stdin, creates the login collection with it, and returns once the daemon serves the bus.
  const keyring = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { env: keyringEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let keyringOutput = '';
  keyring.stdout?.setEncoding('utf8').on('data', (d: string) => (keyringOutput += d));
  keyring.stderr?.setEncoding('utf8').on('data', (d: string) => (keyringOutput += d));
  keyring.stdin?.end('warden-test-keyring');
  const [code] = (await once(keyring, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`gnome-keyring-daemon --unlock failed (${String(code)}): ${keyringOutput}`);

  return {
    env,
    async lookup(attributes) {
      const args = ['lookup', ...Object.entries(attributes).flat()];
      try {
        const { stdout } = await execFileAsync('secret-tool', args, { env: keyringEnv });
        return stdout === '' ? undefined : stdout;
      } catch {
        // secret-tool exits 1 when nothing matches.
        return undefined;
      }
    },
    async close() {
      if (bus.exitCode === null) {
        bus.kill('SIGTERM');
        await once(bus, 'exit');
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
