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
  /** An Entra-shaped v2 delegated token with scope `execute`, valid for an hour. */
  mint(subject: string): Promise<string>;
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
    mint: (subject) => sign(privateKey, kid, { iss: issuer, aud: API_APP_ID, tid: TENANT_ID, sub: subject, azp: CLIENT_APP_ID, scp: 'execute', ver: '2.0' }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sign(key: CryptoKey, kid: string, claims: Record<string, string>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).setIssuedAt().setNotBefore('0s').setExpirationTime('1h').sign(key);
}
