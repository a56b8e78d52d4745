import {
  SignInCancelledError,
  SignInRequiredError,
  type AccessToken,
  type AccountSummary,
  type Authenticator,
  type DeviceCodePrompt,
  type SignInOptions,
} from '../../auth/login/types.js';
import { TENANT_ID, type TokenMinter } from './token-minter.js';

export const TEST_ACCOUNT: AccountSummary = {
  username: 'dev@warden.example',
  name: 'Dev User',
  tenantId: TENANT_ID,
  homeAccountId: 'user-object-id.11111111-2222-3333-4444-555555555555',
};

export interface MintingAuthenticatorOptions {
  /** Starts with a cached account (as after `warden login`). */
  signedIn?: boolean;
  /** The identity provider's clock (epoch ms): tokens are issued and expire by it. */
  now?: () => number;
  lifetimeSeconds?: number;
}

/**
 * An Authenticator backed by the token minter: the agent gets real signed tokens the real server
 * verifies, and tests steer the cases MSAL would produce (no account, refresh refused, a device
 * code waiting for approval) by flipping fields, not by mocking modules.
 */
export class MintingAuthenticator implements Authenticator {
  account: AccountSummary | undefined;
  /** False: the refresh token is gone (revoked, expired) and only interactive sign-in helps. */
  refreshPossible = true;
  silentCalls = 0;
  forcedRefreshes = 0;
  /** The sign-in waiting for `approve()`. */
  pendingSignIn: { prompt: DeviceCodePrompt; approve(): void } | undefined;
  private cached: AccessToken | undefined;
  private readonly now: () => number;
  private readonly lifetime: number;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly minter: TokenMinter,
    options: MintingAuthenticatorOptions = {},
  ) {
    this.account = options.signedIn ? TEST_ACCOUNT : undefined;
    this.now = options.now ?? Date.now;
    this.lifetime = options.lifetimeSeconds ?? 3600;
  }

  async acquireTokenSilently(options: { forceRefresh?: boolean } = {}): Promise<AccessToken> {
    this.silentCalls++;
    if (!this.account) throw new SignInRequiredError('no signed-in account');
    if (options.forceRefresh) {
      this.forcedRefreshes++;
      if (!this.refreshPossible) throw new SignInRequiredError('the refresh token was rejected');
      this.cached = undefined;
    }
    this.cached ??= await this.issue();
    return this.cached;
  }

  signIn(options: SignInOptions): Promise<AccessToken> {
    return new Promise((resolve, reject) => {
      const expiresAt = this.now() + 900_000;
      const prompt: DeviceCodePrompt = {
        authorityHost: new URL(this.minter.authorityHost).host,
        userCode: 'WDN-TEST',
        verificationUri: `${this.minter.authorityHost}/device`,
        expiresIn: 900,
        expiresAt,
        message: 'To sign in, open the verification page and enter the code WDN-TEST.',
      };
      const onAbort = (): void => {
        this.pendingSignIn = undefined;
        reject(new SignInCancelledError('sign-in cancelled'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pendingSignIn = {
        prompt,
        approve: () => {
          options.signal?.removeEventListener('abort', onAbort);
          this.pendingSignIn = undefined;
          this.account = TEST_ACCOUNT;
          this.refreshPossible = true;
          this.cached = undefined;
          this.acquireTokenSilently().then(resolve, reject);
        },
      };
      options.onDeviceCode(prompt);
      this.waiters.forEach((w) => w());
    });
  }

  /** Resolves once a sign-in is waiting for approval. */
  waitForSignIn(): Promise<NonNullable<MintingAuthenticator['pendingSignIn']>> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.pendingSignIn) return;
        this.waiters.delete(check);
        resolve(this.pendingSignIn);
      };
      this.waiters.add(check);
      check();
    });
  }

  async signOut(): Promise<AccountSummary | undefined> {
    const account = this.account;
    this.account = undefined;
    this.cached = undefined;
    return account;
  }

  async currentAccount(): Promise<AccountSummary | undefined> {
    return this.account;
  }

  private async issue(): Promise<AccessToken> {
    const now = Math.floor(this.now() / 1000);
    const exp = now + this.lifetime;
    const accessToken = await this.minter.mint({ iat: now, nbf: now, exp, preferred_username: this.account?.username });
    return { accessToken, expiresOn: new Date(exp * 1000), scopes: ['execute'], account: this.account ?? TEST_ACCOUNT };
  }
}
