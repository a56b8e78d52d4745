import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../config/private-file.js';

/**
 * The provider's data directory: certificate, keys and state. Created 0700; every file is
 * written 0600, atomically and durably (config/private-file.ts), so a crash never leaves half a
 * key behind.
 */
export class DataDir {
  readonly path: string;
  private writes: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = resolve(path);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** Creates the directory (0700). Returns a warning when an existing one is open to other users. */
  async ensure(): Promise<string | undefined> {
    const created = await mkdir(this.path, { recursive: true, mode: 0o700 });
    if (created !== undefined) {
      await chmod(this.path, 0o700);
      return undefined;
    }
    // An existing directory is the user's: point out lax permissions, but do not change them.
    const mode = (await stat(this.path)).mode & 0o777;
    return mode & 0o077 ? `${this.path} is accessible to other users (mode ${mode.toString(8)}); consider chmod 700` : undefined;
  }

  /** The file's text, or undefined when it does not exist. */
  async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.file(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readJson<T>(name: string): Promise<T | undefined> {
    const text = await this.read(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`dev-idp: ${this.file(name)} is not valid JSON; delete it to start afresh`);
    }
  }

  /** Atomic, durable write with mode 0600 (config/private-file.ts). Writes are serialised, so the last one called wins. */
  write(name: string, content: string): Promise<void> {
    const result = this.writes.then(() => writeFileAtomic(this.file(name), content));
    this.writes = result.catch(() => {});
    return result;
  }

  writeJson(name: string, value: unknown): Promise<void> {
    return this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Resolves once every write started so far has finished. */
  flush(): Promise<void> {
    return this.writes;
  }
}
