import { hash } from 'node:crypto';

/** Bounds the memory a flood of distinct valid tokens can take (oldest entries go first). */
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  keysVersion: number;
  /** Milliseconds since the epoch, clock tolerance included. */
  validFrom: number;
  validUntil: number;
}

/**
 * Remembers tokens that passed full verification, so a client sending the same token on every
 * call pays for one signature check rather than one per call. A hit needs the exact same token
 * (by SHA-256; tokens themselves are not kept), the same key set (a refetch that changed the
 * keys sends every token through full verification again, so a removed key stops counting),
 * and a clock still inside the token's nbf/exp window.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  get(token: string, keysVersion: number, now: number): T | undefined {
    const id = digest(token);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.keysVersion === keysVersion && now >= entry.validFrom && now <= entry.validUntil) return entry.value;
    this.entries.delete(id);
    return undefined;
  }

  set(token: string, entry: Entry<T>): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest(token), entry);
  }
}

function digest(token: string): string {
  return hash('sha256', token, 'base64url');
}
