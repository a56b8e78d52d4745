/**
 * Serialized MSAL token caches built by hand (MSAL's JSON cache schema), for cache tests that
 * need accounts without a round trip to an identity provider. The "tokens" are dummies.
 */

export interface FixtureAccount {
  /** Object id; also the uid of the home account id. */
  oid: string;
  tenantId: string;
  username: string;
  name?: string;
  /** ID-token issue time (seconds); the newest is the "current" account. */
  iat?: number;
}

export interface FixtureOptions {
  clientId: string;
  /** host[:port] as MSAL stores it, e.g. localhost:4433. */
  environment: string;
  scope: string;
  /** Access-token expiry, epoch seconds. */
  expiresOn: number;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function fixtureEntries(account: FixtureAccount, o: FixtureOptions) {
  const home = `${account.oid}.${account.tenantId}`;
  const iat = account.iat ?? 1_700_000_000;
  const idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    aud: o.clientId,
    iss: `https://${o.environment}/${account.tenantId}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    oid: account.oid,
    sub: account.oid,
    tid: account.tenantId,
    preferred_username: account.username,
    name: account.name ?? account.username,
    ver: '2.0',
  })}.`;
  const realm = account.tenantId;
  const key = (type: string, target = ''): string => [home, o.environment, type, o.clientId, type === 'refreshtoken' ? '' : realm, target, ''].join('-').toLowerCase();
  return {
    Account: {
      [[home, o.environment, account.tenantId].join('-').toLowerCase()]: {
        home_account_id: home,
        environment: o.environment,
        realm,
        local_account_id: account.oid,
        username: account.username,
        authority_type: 'MSSTS',
        name: account.name ?? account.username,
        client_info: b64({ uid: account.oid, utid: account.tenantId }),
      },
    },
    IdToken: {
      [key('idtoken')]: { home_account_id: home, environment: o.environment, credential_type: 'IdToken', client_id: o.clientId, secret: idToken, realm },
    },
    AccessToken: {
      [key('accesstoken', o.scope)]: {
        home_account_id: home,
        environment: o.environment,
        credential_type: 'AccessToken',
        client_id: o.clientId,
        secret: `dummy-access-token-${account.oid}`,
        realm,
        target: o.scope,
        cached_at: String(iat),
        expires_on: String(o.expiresOn),
        extended_expires_on: String(o.expiresOn),
        token_type: 'Bearer',
      },
    },
    RefreshToken: {
      [key('refreshtoken')]: {
        home_account_id: home,
        environment: o.environment,
        credential_type: 'RefreshToken',
        client_id: o.clientId,
        secret: `dummy-refresh-token-${account.oid}`,
      },
    },
    AppMetadata: {},
  };
}

/** A serialized cache holding `accounts`, each with an ID token, access token and refresh token. */
export function fixtureCache(accounts: FixtureAccount[], options: FixtureOptions): string {
  const merged = { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} } as Record<string, Record<string, unknown>>;
  for (const account of accounts) {
    const entries = fixtureEntries(account, options) as Record<string, Record<string, unknown>>;
    for (const section of Object.keys(merged)) Object.assign(merged[section] as object, entries[section]);
  }
  return JSON.stringify(merged);
}
