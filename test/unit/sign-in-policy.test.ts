import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { approvalsPath, ServerApprovals, type Approvals } from '../../auth/login/server-approvals.js';
import { isEntraAuthorityHost } from '../../auth/login/authority.js';
import { decideSignIn, describeApprovalReason, scopeApi, type SignInRequest } from '../../auth/login/sign-in-policy.js';
import { withDefaults } from '../../agent/core/auth/kinds/entra.js';
import { signInSettings, tokenCacheOf, withServerMetadata, type ServerSaid } from '../../agent/core/auth/settings.js';
import { createSignInGate, signInRequest } from '../../agent/core/auth/sign-in-gate.js';

const A = 'http://127.0.0.1:1000/mcp';
const B = 'http://127.0.0.1:2000/mcp';
const SCOPE = 'api://a-app/execute';

function approvals(scopes: Record<string, string[]> = {}, hosts: string[] = []): Approvals {
  return { scopes: new Map(Object.entries(scopes)), authorityHosts: new Set(hosts) };
}

const discovered = (over: Partial<SignInRequest> = {}): SignInRequest => ({
  server: B,
  scope: SCOPE,
  scopeFrom: 'discovered',
  authorityHost: 'https://login.microsoftonline.com',
  authorityFrom: 'discovered',
  ...over,
});

describe('decideSignIn', () => {
  it('binds an unbound discovered scope to the first server that asks (trust on first use)', () => {
    expect(decideSignIn(discovered(), approvals())).toEqual({ allowed: true, bind: true });
  });

  it('allows a server already approved for the scope, without recording it again', () => {
    expect(decideSignIn(discovered({ server: `${B}/` }), approvals({ [SCOPE]: [A, B] }))).toEqual({ allowed: true, bind: false });
  });

  it('refuses a discovered scope bound to another server, naming the scope, this server and the other', () => {
    const decision = decideSignIn(discovered({ scope: 'API://A-APP/execute' }), approvals({ [SCOPE]: [A] }));
    expect(decision).toEqual({ allowed: false, reason: { kind: 'scope-bound-elsewhere', scope: 'API://A-APP/execute', server: B, boundTo: [A] } });
    if (!decision.allowed) {
      expect(describeApprovalReason(decision.reason, 'run again with --approve-server to approve')).toBe(
        `${B} asks for a token for API://A-APP/execute, which is bound to ${A}; not sending it there unless you approve (run again with --approve-server to approve)`,
      );
    }
  });

  it('another scope of a bound API is bound too (a refresh token would turn it into a token for that API)', () => {
    const bound = approvals({ [SCOPE]: [A] });
    for (const scope of ['api://a-app/.default', 'API://A-APP/other']) {
      expect(decideSignIn(discovered({ scope }), bound)).toMatchObject({ allowed: false, reason: { kind: 'scope-bound-elsewhere', scope, boundTo: [A] } });
    }
    // The server holding the API may ask for another of its scopes; it is recorded for that one too.
    expect(decideSignIn(discovered({ server: A, scope: 'api://a-app/.default' }), bound)).toEqual({ allowed: true, bind: true });
    // Another API, or a bare scope, is not affected.
    expect(decideSignIn(discovered({ scope: 'api://b-app/execute' }), bound)).toEqual({ allowed: true, bind: true });
    expect(scopeApi('User.Read')).toBe('user.read');
    expect(scopeApi('https://graph.microsoft.com/User.Read')).toBe('https://graph.microsoft.com');
  });

  it('a configured scope is approved (and recorded) for whatever server it is configured with', () => {
    expect(decideSignIn(discovered({ scopeFrom: 'configured' }), approvals({ [SCOPE]: [A] }))).toEqual({ allowed: true, bind: true });
  });

  it('refuses a discovered identity provider that is not Microsoft Entra, unless configured or approved', () => {
    const fake = discovered({ authorityHost: 'https://127.0.0.1:9999' });
    expect(decideSignIn(fake, approvals())).toEqual({ allowed: false, reason: { kind: 'untrusted-authority', host: '127.0.0.1:9999', server: B } });
    expect(decideSignIn(fake, approvals({}, ['127.0.0.1:9999']))).toEqual({ allowed: true, bind: true });
    expect(decideSignIn({ ...fake, authorityFrom: 'configured' }, approvals())).toEqual({ allowed: true, bind: true });
    // The host is judged before the scope: nothing is fetched from it to learn more.
    expect(decideSignIn(fake, approvals({ [SCOPE]: [A] }))).toMatchObject({ allowed: false, reason: { kind: 'untrusted-authority' } });
  });

  it('knows the Entra hosts of the public and national clouds, and nothing that merely resembles them', () => {
    for (const host of [
      'login.microsoftonline.com',
      'login.microsoftonline.us',
      'login.chinacloudapi.cn',
      'login.partner.microsoftonline.cn',
      'sts.windows.net',
      'login-us.microsoftonline.com',
    ]) {
      expect(isEntraAuthorityHost(`https://${host}`)).toBe(true);
    }
    for (const host of ['login.microsoftonline.com.evil.example', 'evil-login.microsoftonline.com', 'login.microsoftonline.com:8443']) {
      expect(isEntraAuthorityHost(`https://${host}`)).toBe(false);
    }
  });

  it('strips terminal controls from the scope a server names', () => {
    const line = describeApprovalReason({ kind: 'scope-bound-elsewhere', scope: 'api://x/\u001b]0;pwned\u0007execute', server: B, boundTo: [A] }, 'y');
    expect(line).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('signInRequest: discovery never overrides what the user configured', () => {
  const found: ServerSaid = { authorityHost: 'https://evil.example', tenantId: 't', scope: 'api://evil/execute' };
  const request = (env: Record<string, string>, said?: ServerSaid) => {
    const settings = signInSettings({ name: 'server', source: { kind: 'shortcut', via: 'env' }, type: 'http', url: B, headers: {} }, { env, home: '/home/u', cwd: '/' });
    return signInRequest(withDefaults(said ? withServerMetadata(settings, said) : settings));
  };

  it('configured scope and authority host win over the server metadata', () => {
    expect(request({ ENTRA_API_SCOPE: SCOPE, ENTRA_AUTHORITY_HOST: 'https://localhost:8443' }, found)).toEqual({
      server: B,
      scope: SCOPE,
      scopeFrom: 'configured',
      authorityHost: 'https://localhost:8443',
      authorityFrom: 'configured',
    });
  });

  it('unset ones come from the metadata and say so; without either there is nothing to ask for', () => {
    expect(request({ ENTRA_CLIENT_ID: 'c' }, found)).toEqual({
      server: B,
      scope: 'api://evil/execute',
      scopeFrom: 'discovered',
      authorityHost: 'https://evil.example',
      authorityFrom: 'discovered',
    });
    expect(request({ ENTRA_API_SCOPE: SCOPE })).toMatchObject({ authorityHost: 'https://login.microsoftonline.com', authorityFrom: 'configured' });
    expect(request({})).toBeUndefined();
  });
});

describe('the sign-in gate with --approve-server', () => {
  it('approves both refusals one run can meet, an untrusted identity provider and then a scope bound elsewhere, and records them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'warden-gate-'));
    // Server B learned everything from its metadata: an identity provider nobody approved, and A's API.
    const settings = withDefaults(
      withServerMetadata(
        signInSettings({ name: 'server', source: { kind: 'shortcut', via: 'env' }, type: 'http', url: B, headers: {} }, { env: { ENTRA_CLIENT_ID: 'c' }, home, cwd: '/' }),
        {
          authorityHost: 'https://idp.example',
          tenantId: 't',
          scope: SCOPE,
        },
      ),
    );
    const store = new ServerApprovals(approvalsPath(tokenCacheOf(settings)));
    await store.approveServer(SCOPE, A);

    // Without the flag the first refusal is the answer, and nothing is recorded.
    expect(await createSignInGate({ settings }).check()).toMatchObject({ allowed: false, reason: { kind: 'untrusted-authority', host: 'idp.example' } });
    expect(await createSignInGate({ settings, approveRun: true }).check()).toMatchObject({ allowed: true });
    const approved = await store.read();
    expect([...approved.authorityHosts]).toEqual(['idp.example']);
    expect(approved.scopes.get(SCOPE)).toEqual([A, B]);
  });
});
