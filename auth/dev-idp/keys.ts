import { createPrivateKey, createPublicKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { DataDir } from './data-dir.js';

export const KEYS_FILE = 'signing-keys.json';

interface StoredKey {
  kid: string;
  /** Private RSA key as a JWK (the file is 0600). */
  jwk: JWK;
  createdAt: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

const generateRsa = promisify(generateKeyPair);

async function newKey(): Promise<StoredKey> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e } as JWK);
  return { kid, jwk, createdAt: new Date().toISOString() };
}

function toSigningKey(stored: StoredKey): SigningKey {
  const privateKey = createPrivateKey({ key: stored.jwk as JsonWebKey, format: 'jwk' });
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kid: stored.kid, privateKey, publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid: stored.kid, n, e } };
}

/**
 * RS256 signing keys, kept in the data directory: the last one signs, all are published,
 * so tokens signed before a rotation stay verifiable until the old key is dropped.
 */
export class KeyRing {
  private constructor(
    private readonly dir: DataDir,
    private stored: StoredKey[],
    private keys: SigningKey[],
  ) {}

  static async load(dir: DataDir): Promise<KeyRing> {
    const file = await dir.readJson<{ keys?: StoredKey[] }>(KEYS_FILE);
    const stored = file?.keys ?? [];
    let keys: SigningKey[];
    try {
      keys = stored.map(toSigningKey);
    } catch {
      throw new Error(`dev-idp: ${dir.file(KEYS_FILE)} holds an unusable key; delete it to start afresh`);
    }
    const ring = new KeyRing(dir, stored, keys);
    if (keys.length === 0) await ring.rotate();
    return ring;
  }

  /** The key new tokens are signed with. */
  current(): SigningKey {
    return this.keys[this.keys.length - 1] as SigningKey;
  }

  /** The public JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Adds a new signing key; `dropOld` also stops publishing the previous ones. */
  async rotate(options: { dropOld?: boolean } = {}): Promise<void> {
    const fresh = await newKey();
    this.stored = options.dropOld ? [fresh] : [...this.stored, fresh];
    this.keys = options.dropOld ? [toSigningKey(fresh)] : [...this.keys, toSigningKey(fresh)];
    await this.dir.writeJson(KEYS_FILE, { keys: this.stored });
  }
}
