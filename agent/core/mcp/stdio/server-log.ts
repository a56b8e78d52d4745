import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';

/**
 * A stdio server's stderr log, kept bounded while the server runs: when the file would pass its
 * cap it becomes `NAME.log.1` (replacing the one before) and a fresh `NAME.log` starts, so a
 * server that floods stderr costs at most twice the cap on disk. Writes wait for the disk
 * (`write` resolves when there is room), so the flood cannot pile up in memory either.
 * Not responsible for what the lines say (the stderr tap picks the launcher's lines out).
 */

/** Each of the two files stays under this. */
export const MAX_LOG_BYTES = 5 * 1024 * 1024;

export class ServerLog {
  private stream: WriteStream;
  private bytes: number;
  private rotating: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly maxBytes: number,
    size: number,
  ) {
    this.bytes = size;
    this.stream = ServerLog.append(path);
  }

  /** Opens (appending) the log at `path`; one already over the cap is rotated first. */
  static async open(path: string, maxBytes = MAX_LOG_BYTES): Promise<ServerLog> {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > maxBytes) await rename(path, `${path}.1`);
    return new ServerLog(path, maxBytes, size > maxBytes ? 0 : size);
  }

  private static append(path: string): WriteStream {
    return createWriteStream(path, { flags: 'a', mode: 0o600 });
  }

  /** Appends `text`; resolves once the stream can take more (the caller pauses its source meanwhile). */
  async write(text: string): Promise<void> {
    await this.rotating;
    const size = Buffer.byteLength(text);
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) await this.rotate();
    this.bytes += size;
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.rotating;
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }

  private rotate(): Promise<void> {
    this.rotating ??= (async () => {
      const old = this.stream;
      await new Promise<void>((resolve) => old.end(resolve));
      await rename(this.path, `${this.path}.1`).catch(() => undefined);
      this.stream = ServerLog.append(this.path);
      this.bytes = 0;
    })().finally(() => (this.rotating = undefined));
    return this.rotating;
  }
}
