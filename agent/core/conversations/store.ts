/**
 * Where saved conversations live (one `<id>.jsonl` each in one directory) and how one is found:
 * the list for the picker (newest first: when, first prompt, size), the latest of a directory for
 * `--continue`, one by its ID (or an unambiguous start of it) for `--resume ID`.
 *
 * Not responsible for: the records (records.ts), reading a whole conversation (reader.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConversationSummary } from '../engine-types.js';
import { readHead } from './reader.js';
import { FILE_SUFFIX } from './records.js';

/** No such conversation; `message` says what was looked for. */
export class ConversationNotFoundError extends Error {
  override readonly name = 'ConversationNotFoundError';
}

/** The header and the first prompt are within this much of a file's start (a longer first prompt shows as "…"). */
const HEAD_BYTES = 16 * 1024;
const PROMPT_CHARS = 200;

export class ConversationStore {
  constructor(readonly dir: string) {}

  pathOf(id: string): string {
    return join(this.dir, `${id}${FILE_SUFFIX}`);
  }

  /** Every readable conversation, newest first; files that are not conversations are left out. */
  async list(): Promise<ConversationSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found = await Promise.all(names.filter((n) => n.endsWith(FILE_SUFFIX)).map((n) => this.summary(join(this.dir, n)).catch(() => undefined)));
    return found.filter((s): s is ConversationSummary => s !== undefined).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  /** The conversation of `cwd` written to last; undefined when it has none. */
  async latest(cwd: string): Promise<ConversationSummary | undefined> {
    return (await this.list()).find((s) => s.cwd === cwd);
  }

  /** The conversation with this ID, or the only one whose ID starts with it. */
  async find(id: string): Promise<ConversationSummary> {
    const all = await this.list();
    const exact = all.find((s) => s.id === id);
    if (exact) return exact;
    const matches = id.length >= 4 ? all.filter((s) => s.id.startsWith(id)) : [];
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length > 1) throw new ConversationNotFoundError(`"${id}" matches ${matches.length} saved conversations; give more of the ID`);
    throw new ConversationNotFoundError(`no saved conversation "${id}" (warden --resume lists them)`);
  }

  private async summary(path: string): Promise<ConversationSummary> {
    const [info, head] = await Promise.all([stat(path), readHead(path, HEAD_BYTES)]);
    const prompt = head.records.find((r) => r.type === 'user')?.content.find((b) => b.type === 'text');
    const text = prompt?.type === 'text' ? prompt.text.trim() : '';
    return {
      id: head.header.id,
      createdAt: Date.parse(head.header.createdAt),
      updatedAt: info.mtimeMs,
      cwd: head.header.cwd,
      firstPrompt: text === '' ? '…' : text.slice(0, PROMPT_CHARS),
      bytes: info.size,
    };
  }
}
