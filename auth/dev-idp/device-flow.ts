import { randomBytes, randomInt } from 'node:crypto';
import type { GrantedScopes } from './scopes.js';
import type { DevUser, Grant } from './tokens.js';

export interface DeviceAuthorization {
  /** The secret the client polls with. Never log it. */
  deviceCode: string;
  /** What the user types, e.g. BCDF-GHJK. Fine to show and log. */
  userCode: string;
  clientId: string;
  scopes: GrantedScopes;
  /** Epoch ms. */
  expiresAt: number;
  /** Seconds the client must wait between polls (grows by 5 on each slow_down, RFC 8628 §3.5). */
  interval: number;
  status: 'pending' | 'approved' | 'denied';
  lastPollAt?: number;
}

export type PollError = 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'invalid_grant';
export type PollResult = { grant: Grant } | { error: PollError; description: string };

/** Why a decision could not be recorded. */
export type DecisionRefusal = 'missing' | 'unknown' | 'expired' | 'already-approved' | 'already-denied';
export type DecisionResult = { ok: true; authorization: DeviceAuthorization } | { ok: false; reason: DecisionRefusal };

export interface DeviceFlowOptions {
  lifetimeSeconds: number;
  intervalSeconds: number;
  now: () => number;
  /** Who approving signs in as. */
  user: DevUser;
}

/** RFC 8628 §6.1: consonants only (no vowels: no words, no 0/O or 1/I confusion), 8 of them ≈ 34 bits. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** `bcdf ghjk`, `BCDFGHJK`, `BCDF-GHJK` → `BCDF-GHJK`; anything else is returned as typed (and will not match). */
export function normalizeUserCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : input.trim();
}

/**
 * MSAL throws on slow_down instead of backing off, so a poll only counts as too fast when it
 * comes clearly early (under 80 % of the interval), never for ordinary network jitter.
 */
const TOO_FAST = 0.8;

/** Device authorizations in memory: issued, approved or denied on the verification page, redeemed once. */
export class DeviceFlow {
  private readonly byDeviceCode = new Map<string, DeviceAuthorization>();
  private readonly byUserCode = new Map<string, DeviceAuthorization>();

  constructor(private readonly options: DeviceFlowOptions) {}

  start(clientId: string, scopes: GrantedScopes): DeviceAuthorization {
    this.prune();
    let userCode: string;
    do {
      userCode = Array.from({ length: 8 }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
      userCode = normalizeUserCode(userCode);
    } while (this.byUserCode.has(userCode));
    const authorization: DeviceAuthorization = {
      deviceCode: randomBytes(32).toString('base64url'),
      userCode,
      clientId,
      scopes,
      expiresAt: this.options.now() + this.options.lifetimeSeconds * 1000,
      interval: this.options.intervalSeconds,
      status: 'pending',
    };
    this.byDeviceCode.set(authorization.deviceCode, authorization);
    this.byUserCode.set(userCode, authorization);
    return authorization;
  }

  /** What the verification page (or `approve()`/`deny()`) does with a typed code. */
  decide(typedCode: string, decision: 'approve' | 'deny'): DecisionResult {
    if (!typedCode.trim()) return { ok: false, reason: 'missing' };
    const authorization = this.byUserCode.get(normalizeUserCode(typedCode));
    if (!authorization) return { ok: false, reason: 'unknown' };
    if (authorization.expiresAt <= this.options.now()) return { ok: false, reason: 'expired' };
    const wanted = decision === 'approve' ? 'approved' : 'denied';
    if (authorization.status !== 'pending' && authorization.status !== wanted) {
      return { ok: false, reason: authorization.status === 'approved' ? 'already-approved' : 'already-denied' };
    }
    authorization.status = wanted;
    return { ok: true, authorization };
  }

  /** One poll of the token endpoint with a device_code. */
  poll(deviceCode: string, clientId: string): PollResult {
    const authorization = this.byDeviceCode.get(deviceCode);
    if (!authorization) return { error: 'invalid_grant', description: 'unknown device_code, or one that was already redeemed' };
    if (authorization.clientId !== clientId) return { error: 'invalid_grant', description: 'the device_code was issued to another client' };
    const now = this.options.now();
    if (authorization.expiresAt <= now) return { error: 'expired_token', description: 'the device code has expired; start the sign-in again' };
    if (authorization.status === 'denied') return { error: 'access_denied', description: 'the user declined the sign-in' };
    if (authorization.status === 'approved') {
      this.forget(authorization); // single use
      return { grant: { clientId, scopes: authorization.scopes, user: this.options.user } };
    }
    const tooFast = authorization.lastPollAt !== undefined && now - authorization.lastPollAt < authorization.interval * 1000 * TOO_FAST;
    authorization.lastPollAt = now;
    if (tooFast) {
      authorization.interval += 5;
      return { error: 'slow_down', description: `polling too fast; wait ${authorization.interval} seconds between requests` };
    }
    return { error: 'authorization_pending', description: 'waiting for the user to enter the code at the verification page' };
  }

  private forget(authorization: DeviceAuthorization): void {
    this.byDeviceCode.delete(authorization.deviceCode);
    this.byUserCode.delete(authorization.userCode);
  }

  /** Expired codes answer expired_token for one more lifetime, then are forgotten. */
  private prune(): void {
    const cutoff = this.options.now() - this.options.lifetimeSeconds * 1000;
    for (const authorization of this.byDeviceCode.values()) if (authorization.expiresAt <= cutoff) this.forget(authorization);
  }
}
