import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The sealed form of a token file: AES-256-GCM under a data key kept in the OS secret store, as
 * one JSON object (so a reader can tell it from a plaintext file of today). The file's purpose
 * is authenticated with it (the MSAL cache cannot be passed off as the OAuth grants), and the
 * key's id travels along so a reader knows which key it needs.
 * Not responsible for where the key lives (keyring.ts) nor for the file (vault.ts).
 */

export interface DataKey {
  /** Random, not secret: names the key a file was sealed with. */
  id: string;
  /** 32 bytes. */
  bytes: Buffer;
}

interface Envelope {
  warden_sealed: 1;
  alg: 'A256GCM';
  key: string;
  iv: string;
  /** Ciphertext followed by the 16-byte tag, base64. */
  data: string;
}

/** A sealed file names a key this reader does not hold, or its content does not authenticate. */
export class UnsealError extends Error {
  override readonly name = 'UnsealError';
}

const aad = (purpose: string): Buffer => Buffer.from(`warden_sealed:1:${purpose}`, 'utf8');

export function newDataKey(): DataKey {
  return { id: randomBytes(6).toString('hex'), bytes: randomBytes(32) };
}

/** The envelope of `text`, as the file's content. */
export function seal(text: string, key: DataKey, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(aad(purpose));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const envelope: Envelope = { warden_sealed: 1, alg: 'A256GCM', key: key.id, iv: iv.toString('base64'), data: data.toString('base64') };
  return `${JSON.stringify(envelope)}\n`;
}

/** The id of the key `content` was sealed with, or undefined when it is not a sealed file (plaintext of today). */
export function sealedWith(content: string): string | undefined {
  if (!content.trimStart().startsWith('{"warden_sealed"')) return undefined;
  try {
    const envelope = JSON.parse(content) as Partial<Envelope>;
    return envelope.warden_sealed === 1 && typeof envelope.key === 'string' ? envelope.key : undefined;
  } catch {
    return undefined;
  }
}

/** The text sealed in `content`; UnsealError when the key is not the one, or the file was changed. */
export function unseal(content: string, key: DataKey, purpose: string): string {
  const envelope = JSON.parse(content) as Envelope;
  if (envelope.alg !== 'A256GCM' || envelope.key !== key.id) throw new UnsealError(`sealed with key ${String(envelope.key).slice(0, 20)}, not the one in the secret store`);
  const iv = Buffer.from(envelope.iv, 'base64');
  const data = Buffer.from(envelope.data, 'base64');
  if (iv.length !== 12 || data.length < 16) throw new UnsealError('not a complete sealed file');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv);
    decipher.setAAD(aad(purpose));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new UnsealError('its content does not authenticate (changed, or sealed for another file)');
  }
}
