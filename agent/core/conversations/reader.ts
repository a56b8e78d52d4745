/**
 * Reads a saved conversation file back into records. A last line without its newline is the one
 * a crash cut off mid-write: it is skipped with a notice. Any other line that does not parse (the
 * file was edited, the disk went bad) is skipped too, and counted in a notice. Only the start of a
 * file is read for the list (`readHead`): the header and the first prompt are there.
 *
 * Not responsible for: what the records mean (replay.ts), where files are (store.ts).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { CONVERSATION_VERSION, type ConversationRecord, type HeaderRecord } from './records.js';

export interface ReadConversation {
  header: HeaderRecord;
  records: ConversationRecord[];
  /** What was skipped, for the user (one line each). */
  notices: string[];
}

/** The file is not a conversation Warden can read; `message` names it. */
export class ConversationFileError extends Error {
  override readonly name = 'ConversationFileError';
}

function isRecord(value: unknown): value is ConversationRecord {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

function parseLine(line: string): ConversationRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function headerOf(records: ConversationRecord[], path: string): HeaderRecord {
  const header = records[0];
  if (header?.type !== 'conversation') throw new ConversationFileError(`${path} is not a Warden conversation (its first line is not a conversation header)`);
  if (header.version > CONVERSATION_VERSION) throw new ConversationFileError(`${path} was written by a newer Warden (format ${header.version}); update Warden to resume it`);
  return header;
}

/** Reads at most `limit` bytes (all when absent), never following a link. */
async function readText(path: string, limit?: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (limit === undefined) return await handle.readFile('utf8');
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function readConversation(path: string): Promise<ReadConversation> {
  const text = await readText(path);
  const lines = text.split('\n');
  // A complete file ends with a newline, so the last piece is empty; anything else there was cut off.
  const torn = lines.pop() ?? '';
  const records: ConversationRecord[] = [];
  let bad = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseLine(line);
    if (record) records.push(record);
    else bad++;
  }
  const notices: string[] = [];
  if (torn.trim() !== '') notices.push('The last entry of the saved conversation was cut off while it was being written (Warden stopped); it was skipped.');
  if (bad > 0) notices.push(`${bad} damaged ${bad === 1 ? 'entry' : 'entries'} of the saved conversation could not be read and ${bad === 1 ? 'was' : 'were'} skipped.`);
  return { header: headerOf(records, path), records, notices };
}

/** The complete lines among the first `bytes` of a file: enough for its header and first prompt. */
export async function readHead(path: string, bytes: number): Promise<{ header: HeaderRecord; records: ConversationRecord[] }> {
  const text = await readText(path, bytes);
  const lines = text.split('\n');
  lines.pop();
  const records = lines.flatMap((line) => {
    const record = line.trim() === '' ? undefined : parseLine(line);
    return record ? [record] : [];
  });
  return { header: headerOf(records, path), records };
}
