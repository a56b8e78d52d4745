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
 * (by SHA-256: this long-lived map keeps no token), the same key set (a refetch that changed the
 * keys sends every token through full verification again, so a removed key stops counting),
 * and a clock still inside the token's nbf/exp window.
 *
 * A caller may name the connection a token came on: the connection's last token is then
 * remembered as it was sent, for as long as the connection object lives, and the next request
 * on it that presents the same string is matched by comparing strings rather than by hashing
 * (a SHA-256 per request costs a few percent of a call under load). Nothing outlives the
 * connection, and the key set and nbf/exp window are checked on every hit alike.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly lastOnConnection = new WeakMap<object, { token: string; entry: Entry<T> }>();

  get(token: string, keysVersion: number, now: number, connection?: object): T | undefined {
    const last = connection && this.lastOnConnection.get(connection);
    if (last && last.token === token && usable(last.entry, keysVersion, now)) return last.entry.value;
    const id = digest(token);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (usable(entry, keysVersion, now)) {
      if (connection) this.lastOnConnection.set(connection, { token, entry });
      return entry.value;
    }
    this.entries.delete(id);
    return undefined;
  }

  set(token: string, entry: Entry<T>, connection?: object): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest(token), entry);
    if (connection) this.lastOnConnection.set(connection, { token, entry });
  }
}

function usable(entry: Entry<unknown>, keysVersion: number, now: number): boolean {
  return entry.keysVersion === keysVersion && now >= entry.validFrom && now <= entry.validUntil;
}

function digest(token: string): string {
  return hash('sha256', token, 'base64url');
}
