/**
 * Appends a conversation's records to its file, one JSON line each, as they happen. Each line goes
 * out in one synchronous write: once `append` returns the line is in the operating system's hands,
 * so a crash or SIGKILL afterwards loses nothing, and one during the write tears at most that line
 * (the reader skips it). The directory is 0700, the file 0600 and never followed through a link.
 *
 * Not responsible for: what goes in a line (recorder.ts), reading (reader.ts). A failure to write
 * is reported once through `onError` and recording stops; the conversation itself goes on.
 */
import { chmodSync, closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../../../config/error-text.js';
import type { ConversationRecord } from './records.js';

export class ConversationWriter {
  private fd: number | undefined;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly onError?: (message: string) => void,
  ) {}

  /** Whether anything was written (the file exists). */
  get started(): boolean {
    return this.fd !== undefined;
  }

  append(record: ConversationRecord): void {
    if (this.failed) return;
    try {
      this.fd ??= this.open();
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.failed = true;
      this.onError?.(`cannot save the conversation to ${this.path}: ${errorMessage(error)}; it goes on unsaved`);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing left to save.
    }
    this.fd = undefined;
  }

  private open(): number {
    const dir = dirname(this.path);
    // mkdir's mode is filtered by the umask: the directory is made private explicitly.
    if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700);
    return openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  }
}
