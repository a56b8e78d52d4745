import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitAuthority } from '../../auth/login/authority.js';
import { buildLoginConfig, loadLoginConfig } from '../../auth/login/config.js';
import { configError } from '../helpers/config-error.js';

const CLIENT = 'cccccccc-0000-0000-0000-000000000001';
const SCOPE = 'api://aaaaaaaa-0000-0000-0000-000000000002/execute';
const TENANT = '11111111-2222-3333-4444-555555555555';
const base = { ENTRA_CLIENT_ID: CLIENT, ENTRA_API_SCOPE: SCOPE };
const dir = mkdtempSync(join(tmpdir(), 'warden-login-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadLoginConfig', () => {
  it('defaults to Microsoft Entra, the organizations tenant and ~/.config/warden/token_cache.json', () => {
    expect(loadLoginConfig(base)).toEqual({
      authorityHost: 'https://login.microsoftonline.com',
      tenantId: 'organizations',
      authority: 'https://login.microsoftonline.com/organizations',
      clientId: CLIENT,
      apiScope: SCOPE,
      cachePath: join(homedir(), '.config', 'warden', 'token_cache.json'),
      tokenStore: 'auto',
    });
  });

  it('takes the dev provider settings, expands ~ and reads the CA file', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadLoginConfig({
      ...base,
      ENTRA_AUTHORITY_HOST: 'https://localhost:4433/',
      ENTRA_TENANT_ID: TENANT,
      WARDEN_TOKEN_CACHE: '~/tokens/cache.json',
      WARDEN_DEV_CA_FILE: ca,
    });
    expect(config).toMatchObject({
      authorityHost: 'https://localhost:4433',
      authority: `https://localhost:4433/${TENANT}`,
      cachePath: join(homedir(), 'tokens', 'cache.json'),
      caFile: ca,
    });
    expect(config.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('names the missing or invalid variable in one line', () => {
    expect(configError(() => loadLoginConfig({ ENTRA_API_SCOPE: SCOPE }))).toMatch(/^missing ENTRA_CLIENT_ID: /);
    expect(configError(() => loadLoginConfig({ ENTRA_CLIENT_ID: CLIENT, ENTRA_API_SCOPE: '' }))).toMatch(/^missing ENTRA_API_SCOPE: /);
    expect(configError(() => loadLoginConfig({ ...base, ENTRA_AUTHORITY_HOST: 'http://localhost:4433' }))).toBe(
      'invalid ENTRA_AUTHORITY_HOST: expected an https URL (MSAL refuses http authorities)',
    );
    expect(configError(() => loadLoginConfig({ ...base, ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com/tenant' }))).toMatch(
      /^invalid ENTRA_AUTHORITY_HOST: expected only scheme, host and port/,
    );
    expect(configError(() => loadLoginConfig({ ...base, ENTRA_API_SCOPE: 'a b' }))).toMatch(/^invalid ENTRA_API_SCOPE: expected one scope/);
    expect(configError(() => loadLoginConfig({ ...base, WARDEN_DEV_CA_FILE: join(dir, 'missing.pem') }))).toMatch(/^invalid WARDEN_DEV_CA_FILE: cannot read .* \(ENOENT\)$/);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(configError(() => loadLoginConfig({ ...base, WARDEN_DEV_CA_FILE: notPem }))).toMatch(/holds no PEM certificate$/);
  });
});

describe('buildLoginConfig (values discovered through RFC 9728)', () => {
  it('splits a published authority and takes the rest from the environment', () => {
    const config = buildLoginConfig(
      { authority: `https://login.microsoftonline.com/${TENANT}/v2.0`, apiScope: SCOPE },
      { ENTRA_CLIENT_ID: CLIENT, ENTRA_TENANT_ID: 'organizations' },
    );
    expect(config).toMatchObject({ authorityHost: 'https://login.microsoftonline.com', tenantId: TENANT, clientId: CLIENT, apiScope: SCOPE });
  });

  it('still needs a client id', () => {
    expect(configError(() => buildLoginConfig({ authority: `https://localhost:1/${TENANT}/v2.0`, apiScope: SCOPE }))).toMatch(/^missing ENTRA_CLIENT_ID/);
  });

  it('splitAuthority accepts …/<tenant>, …/<tenant>/ and …/<tenant>/v2.0 only', () => {
    expect(splitAuthority(`https://localhost:4433/${TENANT}/v2.0/`)).toEqual({ authorityHost: 'https://localhost:4433', tenantId: TENANT });
    expect(splitAuthority('https://login.microsoftonline.com/organizations')).toEqual({ authorityHost: 'https://login.microsoftonline.com', tenantId: 'organizations' });
    expect(configError(() => splitAuthority('https://login.microsoftonline.com/'))).toMatch(/invalid authority/);
    expect(configError(() => splitAuthority('not a url'))).toMatch(/invalid authority/);
  });
});
