import { createHmac, KeyObject, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** The test certificate (localhost, 127.0.0.1) for HTTPS JWKS tests; see test/fixtures/tls/README.md. */
export const TEST_CA_FILE = new URL('../fixtures/tls/localhost.crt', import.meta.url).pathname;
const TEST_KEY_FILE = new URL('../fixtures/tls/localhost.key', import.meta.url).pathname;

export const TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const API_APP_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const CLIENT_APP_ID = '99999999-8888-7777-6666-555555555555';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export interface MintOptions {
  /** Signing key; default the current published key. */
  key?: SigningKey;
  /** `kid` header; default the key's kid; null leaves it out. */
  kid?: string | null;
  /** Extra protected-header fields. */
  header?: Record<string, unknown>;
}

export interface TokenMinter {
  /** Entra-shaped: use as ENTRA_AUTHORITY_HOST with ENTRA_TENANT_ID = TENANT_ID. */
  authorityHost: string;
  /** `${authorityHost}/${TENANT_ID}/v2.0` — the v2 issuer the server derives. */
  issuer: string;
  jwksUri: string;
  /** How often the JWKS was fetched. */
  jwksRequests(): number;
  /** Resolves once the JWKS has been requested `count` times in all. */
  waitForJwksRequests(count: number): Promise<void>;
  /** Default claims of an Entra v2 delegated access token for API_APP_ID, overridable; `undefined` removes a claim. */
  claims(overrides?: Record<string, unknown>): JWTPayload;
  mint(overrides?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** A key of the same kind that is not published (forgery, unknown kid). */
  newKey(alg?: string): Promise<SigningKey>;
  /** Publishes another key and makes it the default for `mint`. */
  rotate(alg?: string): Promise<SigningKey>;
  /** Stops publishing a key (the last step of a rotation); tokens it signed can still be minted. */
  retire(key: SigningKey): void;
  /** How the JWKS endpoint behaves: 'up', 'error' (HTTP 503, an outage) or 'hang' (accepts and never answers). */
  jwksMode: 'up' | 'error' | 'hang';
  current(): SigningKey;
  close(): Promise<void>;
}

export async function createSigningKey(alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

/**
 * A local, Entra-shaped token issuer: publishes its keys as a JWKS on 127.0.0.1:0 (HTTP, or
 * HTTPS with the test certificate) and mints access tokens with any claims, key and header.
 */
export interface MinterOptions {
  https?: boolean;
  /** The header's `typ`; default JWT (Entra's), at+jwt for a generic RFC 9068 issuer. */
  typ?: string;
}

export async function startTokenMinter(options: MinterOptions = {}): Promise<TokenMinter> {
  let published: SigningKey[] = [await createSigningKey()];
  let requests = 0;
  const requestWaiters = new Set<() => void>();
  const state = { jwksMode: 'up' as TokenMinter['jwksMode'] };
  const serveKeys = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.url !== `/${TENANT_ID}/discovery/v2.0/keys`) {
      res.writeHead(404).end();
      return;
    }
    requests++;
    requestWaiters.forEach((w) => w());
    // Hanging: the request is left unanswered until close() drops the connection.
    if (state.jwksMode === 'hang') return;
    if (state.jwksMode === 'error') {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('identity provider unavailable');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
  };
  const server: Server = options.https ? createHttpsServer({ cert: readFileSync(TEST_CA_FILE), key: readFileSync(TEST_KEY_FILE) }, serveKeys) : createHttpServer(serveKeys);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const authorityHost = `${options.https ? 'https' : 'http'}://${options.https ? 'localhost' : '127.0.0.1'}:${port}`;
  const issuer = `${authorityHost}/${TENANT_ID}/v2.0`;

  const claims = (overrides: Record<string, unknown> = {}): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = {
      iss: issuer,
      aud: API_APP_ID,
      tid: TENANT_ID,
      sub: 'user-subject',
      oid: 'user-object-id',
      azp: CLIENT_APP_ID,
      scp: 'execute',
      ver: '2.0',
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...overrides,
    };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    return merged;
  };

  const current = (): SigningKey => published[published.length - 1] as SigningKey;

  return {
    get jwksMode() {
      return state.jwksMode;
    },
    set jwksMode(mode) {
      state.jwksMode = mode;
    },
    retire(key) {
      published = published.filter((k) => k.kid !== key.kid);
    },
    authorityHost,
    issuer,
    jwksUri: `${authorityHost}/${TENANT_ID}/discovery/v2.0/keys`,
    jwksRequests: () => requests,
    waitForJwksRequests: (count) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (requests < count) return;
          requestWaiters.delete(check);
          resolve();
        };
        requestWaiters.add(check);
        check();
      }),
    claims,
    async mint(overrides, mintOptions = {}) {
      const key = mintOptions.key ?? current();
      const kid = mintOptions.kid === undefined ? key.kid : mintOptions.kid;
      return new SignJWT(claims(overrides))
        .setProtectedHeader({ alg: key.alg, typ: options.typ ?? 'JWT', ...(kid !== null && { kid }), ...mintOptions.header })
        .sign(key.privateKey);
    },
    newKey: createSigningKey,
    async rotate(alg) {
      const key = await createSigningKey(alg);
      published.push(key);
      return key;
    },
    current,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A token with `alg: none` and an empty signature. */
export function unsignedToken(claims: JWTPayload, header: Record<string, unknown> = {}): string {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', ...header }))}.${b64url(JSON.stringify(claims))}.`;
}

/** The classic key-confusion forgery: HS256 with the server's *public* key as the HMAC secret. */
export function hmacWithPublicKey(claims: JWTPayload, publicPem: string, kid?: string): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...(kid && { kid }) }))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;
}

/** RS256 over any header, bypassing jose's own checks (e.g. to send an unknown `crit` extension). */
export function signRs256Raw(header: Record<string, unknown>, claims: JWTPayload, key: SigningKey): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', kid: key.kid, ...header }))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), KeyObject.from(key.privateKey)).toString('base64url')}`;
}
