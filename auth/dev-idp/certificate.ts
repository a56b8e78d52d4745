import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { DataDir } from './data-dir.js';
import * as der from './der.js';

export const CERT_FILE = 'tls-cert.pem';
export const CERT_KEY_FILE = 'tls-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long-lived on purpose: whoever trusts this file keeps trusting it across restarts. */
const VALIDITY_DAYS = 3650;
/** Renewed this long before it runs out, so it never expires mid-session. */
const RENEW_BEFORE_DAYS = 30;

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
  /** Absolute path of the certificate (PEM): what clients trust, e.g. WARDEN_DEV_CA_FILE. */
  certFile: string;
  /** True when this start generated it (clients must be pointed at the new file). */
  created: boolean;
}

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
};

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/**
 * A self-signed EC P-256 certificate for `localhost` and `127.0.0.1`, shaped like what
 * `openssl req -x509 -addext subjectAltName=…` makes (SKI, AKI, critical CA:TRUE, SAN):
 * it is its own trust anchor, so a client trusts exactly this file and nothing else.
 */
export function createSelfSignedCertificate(commonName: string, now = new Date(), keyType: 'ec' | 'rsa' = 'ec'): { certPem: string; keyPem: string } {
  // RSA for a service principal's certificate: MSAL signs client assertions with RS256/PS256 only.
  const { privateKey, publicKey } = keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // Key identifier: SHA-1 of the public key bits (RFC 5280 §4.2.1.2); the EC point is exactly those.
  const jwk = publicKey.export({ format: 'jwk' });
  const bits = keyType === 'rsa' ? spki : Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  const keyId = createHash('sha1').update(bits).digest();
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const name = der.sequence(der.set(der.sequence(der.objectIdentifier(OID.commonName), der.utf8String(commonName))));
  // RSA's AlgorithmIdentifier carries an explicit NULL parameter (RFC 4055).
  const algorithm = keyType === 'rsa' ? der.sequence(der.objectIdentifier(OID.sha256WithRSAEncryption), der.tlv(0x05)) : der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));

  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // v3
    der.integer(serial),
    algorithm,
    name,
    der.sequence(der.time(new Date(now.getTime() - DAY_MS)), der.time(new Date(now.getTime() + VALIDITY_DAYS * DAY_MS))),
    name,
    spki,
    der.explicit(
      3,
      der.sequence(
        extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
        extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyId))),
        extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
        extension(OID.subjectAltName, false, der.sequence(der.implicitPrimitive(2, Buffer.from('localhost')), der.implicitPrimitive(7, Buffer.from([127, 0, 0, 1])))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // ECDSA-Sig-Value in DER, or PKCS#1 v1.5, as X.509 wants
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

function usable(certPem: string, keyPem: string, now: Date): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const key: KeyObject = createPrivateKey(keyPem);
    return cert.checkPrivateKey(key) && new Date(cert.validTo).getTime() - RENEW_BEFORE_DAYS * DAY_MS > now.getTime() && cert.checkHost('localhost') !== undefined;
  } catch {
    return false;
  }
}

/** The certificate kept in the data directory, made on first start (or when missing, broken or about to expire). */
export async function loadOrCreateTlsIdentity(dir: DataDir, now = new Date()): Promise<TlsIdentity> {
  const [certPem, keyPem] = await Promise.all([dir.read(CERT_FILE), dir.read(CERT_KEY_FILE)]);
  if (certPem !== undefined && keyPem !== undefined && usable(certPem, keyPem, now)) {
    return { certPem, keyPem, certFile: dir.file(CERT_FILE), created: false };
  }
  const fresh = createSelfSignedCertificate('warden dev identity provider (localhost)', now);
  await dir.write(CERT_KEY_FILE, fresh.keyPem);
  await dir.write(CERT_FILE, fresh.certPem);
  return { ...fresh, certFile: dir.file(CERT_FILE), created: true };
}
