import { describe, expect, it } from 'vitest';
import { bearerChallenge, challengeFailure } from '../../auth/verify/challenge.js';
import { entraAudiences, entraAuthority, entraIssuers, entraJwksUri, entraScopePrefix } from '../../auth/verify/entra.js';
import { metadataPaths, metadataUrl } from '../../auth/verify/metadata.js';
import { grantedScopes, missingScopes, requestableScopes } from '../../auth/verify/scopes.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const APP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('Entra naming', () => {
  it('derives the v2 and v1 issuers, the authority and the JWKS URI', () => {
    expect(entraIssuers(TENANT)).toEqual([`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`]);
    expect(entraAuthority(TENANT, 'https://localhost:4443/')).toBe(`https://localhost:4443/${TENANT}/v2.0`);
    expect(entraJwksUri(TENANT)).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
  });

  it('accepts both audience forms of an app id', () => {
    expect(entraAudiences(APP)).toEqual([APP, `api://${APP}`]);
    expect(entraAudiences(`api://${APP}/`)).toEqual([`api://${APP}`, APP]);
    expect(entraAudiences('https://contoso.example/api')).toEqual(['https://contoso.example/api']);
  });

  it('turns scope names into the scopes a client requests', () => {
    expect(entraScopePrefix(APP)).toBe(`api://${APP}`);
    expect(requestableScopes(['execute'], entraScopePrefix('https://contoso.example/api/'))).toEqual(['https://contoso.example/api/execute']);
    expect(requestableScopes(['execute'], undefined)).toEqual(['execute']);
  });
});

describe('scopes', () => {
  it('reads delegated scopes from scp and app roles from roles, nothing else', () => {
    expect(grantedScopes({ scp: 'execute  weather.read', roles: ['admin', 7], scope: 'ignored' })).toEqual(['execute', 'weather.read', 'admin']);
    expect(grantedScopes({ scope: 'execute' })).toEqual([]);
    expect(missingScopes(['execute'], ['execute', 'weather.read'])).toEqual(['weather.read']);
  });
});

describe('challenges', () => {
  const resourceMetadataUrl = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';

  it('omits error= when no credentials were sent (RFC 6750 §3.1)', () => {
    expect(bearerChallenge({ resourceMetadataUrl, scopes: ['api://x/execute'] })).toBe(`Bearer scope="api://x/execute", resource_metadata="${resourceMetadataUrl}"`);
  });

  it('names the error, escapes quoted values and picks the status', () => {
    const failure = challengeFailure({ resourceMetadataUrl, error: 'invalid_token', description: 'say "hi" \\ bye' });
    expect(failure.status).toBe(401);
    expect(failure.headers['WWW-Authenticate']).toBe(`Bearer error="invalid_token", error_description="say \\"hi\\" \\\\ bye", resource_metadata="${resourceMetadataUrl}"`);
    expect(challengeFailure({ resourceMetadataUrl, error: 'insufficient_scope' }).status).toBe(403);
    expect(challengeFailure({ resourceMetadataUrl, error: 'invalid_request' }).status).toBe(400);
  });
});

describe('RFC 9728 locations', () => {
  it('inserts the well-known prefix before the resource path', () => {
    const resource = new URL('https://mcp.example/mcp');
    expect(metadataUrl(resource)).toBe('https://mcp.example/.well-known/oauth-protected-resource/mcp');
    expect(metadataPaths(resource)).toEqual(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);
    expect(metadataPaths(new URL('https://mcp.example/'))).toEqual(['/.well-known/oauth-protected-resource']);
  });
});
