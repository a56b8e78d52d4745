import { describe, expect, it } from 'vitest';
import { SessionAuth } from '../../agent/core/auth/session-auth.js';
import { fixedMethod } from '../../agent/core/auth/token-method.js';
import type { AuthState } from '../../agent/core/engine-types.js';
import { SignInNeededError, TokenRejectedError } from '../../agent/core/mcp/errors.js';
import { SignInRequiredError, type AccessToken, type Authenticator, type SignInOptions, type SilentOptions } from '../../auth/login/types.js';

/** An Authenticator that hands out numbered tokens and records how it was asked. */
class ScriptedAuthenticator implements Authenticator {
  silent: SilentOptions[] = [];
  signIns: SignInOptions[] = [];
  signedIn = true;
  private issued = 0;
  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs = 60 * 60_000,
  ) {}
  private token(): AccessToken {
    this.issued++;
    return {
      accessToken: `token-${this.issued}`,
      expiresOn: new Date(this.now() + this.lifetimeMs),
      scopes: ['api://a/execute'],
      account: { username: 'dev@warden.example', tenantId: 'tid', homeAccountId: 'home' },
    };
  }
  async acquireTokenSilently(options: SilentOptions = {}): Promise<AccessToken> {
    this.silent.push(options);
    if (!this.signedIn) throw new SignInRequiredError('no account');
    return this.token();
  }
  async signIn(options: SignInOptions): Promise<AccessToken> {
    this.signIns.push(options);
    this.signedIn = true;
    return this.token();
  }
  async signOut() {
    this.signedIn = false;
    return undefined;
  }
  async currentAccount() {
    return undefined;
  }
}

function setup(options: { signedIn?: boolean; lifetimeMs?: number } = {}) {
  let clock = 1_000_000;
  const authenticator = new ScriptedAuthenticator(() => clock, options.lifetimeMs);
  authenticator.signedIn = options.signedIn ?? true;
  const states: AuthState[] = [];
  const auth = new SessionAuth({ serverUrl: 'https://mcp.example.com/mcp', method: fixedMethod(authenticator), now: () => clock, onState: (s) => states.push(s) });
  return { auth, authenticator, states, advance: (ms: number) => (clock += ms) };
}

const challenge = (header: string) => new Response(null, { status: 401, headers: { 'www-authenticate': header } });

describe('SessionAuth (tokens for the MCP transport)', () => {
  it('reuses the token in memory until two minutes before it expires, then asks silently again', async () => {
    const { auth, authenticator, states, advance } = setup({ lifetimeMs: 10 * 60_000 });
    expect(await auth.token()).toBe('token-1');
    advance(7 * 60_000);
    expect(await auth.token()).toBe('token-1');
    expect(authenticator.silent).toHaveLength(1);
    advance(2 * 60_000);
    expect(await auth.token()).toBe('token-2');
    expect(authenticator.silent).toHaveLength(2);
    expect(states.at(-1)).toMatchObject({ state: 'signed-in', account: 'dev@warden.example' });
  });

  it('sends no token and says signed-out when silent sign-in is impossible', async () => {
    const { auth, states } = setup({ signedIn: false });
    expect(await auth.token()).toBeUndefined();
    expect(states.at(-1)).toEqual({ state: 'signed-out' });
  });

  it('on a 401 forces one refresh, shared by concurrent 401s', async () => {
    const { auth, authenticator } = setup();
    await auth.token();
    await Promise.all([auth.onUnauthorized(challenge('Bearer error="invalid_token"')), auth.onUnauthorized(challenge('Bearer error="invalid_token"'))]);
    expect(authenticator.silent.filter((o) => o.forceRefresh)).toHaveLength(1);
    expect(await auth.token()).toBe('token-2');
  });

  it('asks for the claims of a claims challenge with the refresh', async () => {
    const { auth, authenticator } = setup();
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    await auth.onUnauthorized(challenge(`Bearer error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`));
    expect(authenticator.silent.at(-1)).toEqual({ forceRefresh: true, claims });
  });

  it('says sign-in is needed when the refresh token is gone', async () => {
    const { auth, authenticator, states } = setup();
    await auth.token();
    authenticator.signedIn = false;
    await expect(auth.onUnauthorized(challenge('Bearer error="invalid_token"'))).rejects.toBeInstanceOf(SignInNeededError);
    expect(states.at(-1)).toEqual({ state: 'signed-out' });
  });

  it('does not sign in again when the server refuses the token just issued: it ends with the server’s reason', async () => {
    const { auth, states } = setup({ signedIn: false });
    const token = await auth.signIn();
    const server = auth.watchFetch(async () => challenge('Bearer error="invalid_token", error_description="The audience \'api://x\' is invalid"'));
    const sent = server('https://mcp.example.com/mcp', { headers: { authorization: `Bearer ${token.accessToken}` } });
    await expect(sent).rejects.toBeInstanceOf(TokenRejectedError);
    expect(states.at(-1)).toMatchObject({ state: 'error', rejected: true });
    expect((states.at(-1) as { error: string }).error).toContain("rejected the token just issued for it (invalid_token: The audience 'api://x' is invalid)");
  });

  it('treats a 401 to a token the server already accepted as an ordinary expiry', async () => {
    const { auth } = setup({ signedIn: false });
    const token = await auth.signIn();
    let status = 200;
    const server = auth.watchFetch(async () => (status === 200 ? new Response('{}', { status }) : challenge('Bearer error="invalid_token"')));
    const init = { headers: { authorization: `Bearer ${token.accessToken}` } };
    expect((await server('https://mcp.example.com/mcp', init)).status).toBe(200);
    status = 401;
    expect((await server('https://mcp.example.com/mcp', init)).status).toBe(401);
  });
});
