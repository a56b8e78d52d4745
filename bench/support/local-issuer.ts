import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/** Fixed, obviously fake Entra ids: the bench's tokens look like Entra v2 access tokens for this API. */
const TENANT_ID = '0b0b0b0b-1111-4222-8333-444444444444';
const API_APP_ID = 'be0c4b11-5555-4666-8777-888888888888';
const CLIENT_APP_ID = 'c11e0701-9999-4aaa-8bbb-cccccccccccc';

export interface LocalIssuer {
  /** Environment for `warden serve` (the Entra configuration path, keys from this issuer). */
  wardenEnv: Record<string, string>;
  issuer: string;
  jwksUri: string;
  audience: string;
  /**
   * An Entra v2 delegated access token with scope `execute`, valid for an hour, carrying the claims
   * Entra puts in one (name, oid, aio, rh, uti, sid, …): ~1.5 KB, the size of the header a real
   * client sends on every call. `lean` leaves them out (~0.7 KB), for comparison.
   */
  mint(subject: string, options?: { lean?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** An RS256 key pair published as a JWKS on 127.0.0.1:0, standing in for Entra during benchmarks. */
export async function startLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  const keysPath = `/${TENANT_ID}/discovery/v2.0/keys`;
  const server = createServer((req, res) => {
    if (req.url !== keysPath) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${authorityHost}/${TENANT_ID}/v2.0`;

  return {
    wardenEnv: { ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, ENTRA_AUTHORITY_HOST: authorityHost },
    issuer,
    jwksUri: `${authorityHost}${keysPath}`,
    audience: API_APP_ID,
    mint: (subject, options = {}) =>
      sign(privateKey, kid, {
        iss: issuer,
        aud: API_APP_ID,
        tid: TENANT_ID,
        sub: subject,
        azp: CLIENT_APP_ID,
        scp: 'execute',
        ver: '2.0',
        ...(!options.lean && entraClaims(subject)),
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What else Entra's v2 access tokens for a user carry (values of the same length; none is checked). */
function entraClaims(subject: string): Record<string, string> {
  const filler = (n: number, seed: string) => Buffer.from(seed.repeat(n)).toString('base64url').slice(0, n);
  return {
    aio: filler(148, `aio-${subject}`),
    azpacr: '0',
    name: 'Bench User',
    oid: '6d3f0e2a-8b1c-4f5e-9a7d-2c4b6e8f0a1d',
    preferred_username: `${subject}@contoso.onmicrosoft.com`,
    rh: filler(52, `rh-${subject}`),
    sid: '004a1f8e-3c2b-7d6e-5f4a-9b8c7d6e5f4a',
    uti: filler(22, `uti-${subject}`),
    xms_ftd: filler(64, `ftd-${subject}`),
    xms_idrel: '1 18',
  };
}

function sign(key: CryptoKey, kid: string, claims: Record<string, string>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).setIssuedAt().setNotBefore('0s').setExpirationTime('1h').sign(key);
}
