import type { IncomingMessage } from 'node:http';

/** 1 MiB: tool arguments here are short texts and coordinates; anything bigger is a mistake or abuse. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult =
  | { ok: true; body: Buffer }
  /**
   * 'aborted': the connection ended mid-body (the client left, or the request timeout cut it off); there is no one to answer.
   * 'busy': the shared budget of the bytes such bodies may hold at once is spent.
   */
  | { ok: false; reason: 'too-large' | 'aborted' | 'busy' };

/** A number of bytes shared by some requests' bodies while they are held (see `readBody`). */
export interface ByteBudget {
  /** Takes `bytes` if that many are left; false (and nothing taken) otherwise. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  /** Bytes taken and not yet given back. */
  held(): number;
}

export function byteBudget(total: number): ByteBudget {
  let held = 0;
  return {
    take(bytes) {
      if (held + bytes > total) return false;
      held += bytes;
      return true;
    },
    give(bytes) {
      held -= bytes;
    },
    held: () => held,
  };
}

/**
 * Reads a request body, giving up (without buffering the rest) once it passes `limit`. With a
 * `budget`, every byte is taken from it before it is kept (the announced Content-Length at once):
 * `onHeld` is told how much was taken, whatever the outcome, so the caller gives it back once the
 * request is done with the body.
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, budget?: { bytes: ByteBudget; onHeld(bytes: number): void }): Promise<BodyResult> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > limit) return { ok: false, reason: 'too-large' };
  let reserved = 0;
  const reserve = (bytes: number): boolean => {
    if (!budget || bytes <= reserved) return true;
    if (!budget.bytes.take(bytes - reserved)) return false;
    budget.onHeld(bytes - reserved);
    reserved = bytes;
    return true;
  };
  if (!reserve(announced)) return { ok: false, reason: 'busy' };
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return { ok: false, reason: 'too-large' };
      if (!reserve(size)) return { ok: false, reason: 'busy' };
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, reason: 'aborted' };
  }
  return { ok: true, body: Buffer.concat(chunks) };
}
