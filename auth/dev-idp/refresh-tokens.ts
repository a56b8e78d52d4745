import { createHash, randomBytes } from 'node:crypto';
import type { DataDir } from './data-dir.js';
import type { Grant } from './tokens.js';

export const REFRESH_TOKENS_FILE = 'refresh-tokens.json';

interface StoredGrant extends Grant {
  /** Epoch ms. */
  expiresAt: number;
}

const hash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/**
 * Opaque, single-use refresh tokens: each redemption deletes the token (the caller issues
 * a new one), so a replayed old token fails. Only SHA-256 hashes are kept, in the data
 * directory, so a restarted provider still honours the sessions it started.
 */
export class RefreshTokens {
  private constructor(
    private readonly dir: DataDir,
    private readonly grants: Map<string, StoredGrant>,
    private readonly lifetimeSeconds: number,
    private readonly now: () => number,
  ) {}

  static async load(dir: DataDir, lifetimeSeconds: number, now: () => number): Promise<RefreshTokens> {
    const file = await dir.readJson<{ grants?: Record<string, StoredGrant> }>(REFRESH_TOKENS_FILE);
    return new RefreshTokens(dir, new Map(Object.entries(file?.grants ?? {})), lifetimeSeconds, now);
  }

  async issue(grant: Grant): Promise<string> {
    const token = `dev-rt.${randomBytes(32).toString('base64url')}`;
    this.grants.set(hash(token), { ...grant, expiresAt: this.now() + this.lifetimeSeconds * 1000 });
    await this.save();
    return token;
  }

  /** The grant behind a valid token for this client, consuming the token; undefined when unknown, used, revoked or expired. */
  async redeem(token: string, clientId: string): Promise<Grant | undefined> {
    const key = hash(token);
    const stored = this.grants.get(key);
    if (!stored || stored.clientId !== clientId) return undefined;
    this.grants.delete(key);
    await this.save();
    if (stored.expiresAt <= this.now()) return undefined;
    const { expiresAt: _, ...grant } = stored;
    return grant;
  }

  /** Invalidates every refresh token (the user must sign in again). */
  revokeAll(): Promise<void> {
    this.grants.clear();
    return this.save();
  }

  private save(): Promise<void> {
    const now = this.now();
    for (const [key, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(key);
    return this.dir.writeJson(REFRESH_TOKENS_FILE, { grants: Object.fromEntries(this.grants) });
  }
}
