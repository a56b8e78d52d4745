import type { IncomingMessage } from 'node:http';

/** 1 MiB: tool arguments here are short texts and coordinates; anything bigger is a mistake or abuse. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult =
  | { ok: true; body: Buffer }
  /** 'aborted': the connection ended mid-body (the client left, or the request timeout cut it off); there is no one to answer. */
  | { ok: false; reason: 'too-large' | 'aborted' };

/** Reads a request body, giving up (without buffering the rest) once it passes `limit`. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return { ok: false, reason: 'too-large' };
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return { ok: false, reason: 'too-large' };
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, reason: 'aborted' };
  }
  return { ok: true, body: Buffer.concat(chunks) };
}
