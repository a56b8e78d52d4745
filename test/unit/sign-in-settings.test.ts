import { describe, expect, it } from 'vitest';
import { credentialSettings, signInSettings, unapprovedCredentials, withServerMetadata } from '../../agent/core/auth/settings.js';
import type { ServerConfig } from '../../agent/core/host/server-config.js';

/**
 * One server's sign-in settings: built once, by one order (flags > the server's own entry > the
 * environment's defaults > the server's metadata), each value with where it came from — what the
 * trust rules for project files are checked against.
 */

const HOME = '/home/u';
const sources = (env: Record<string, string> = {}, extra: { noAuth?: boolean } = {}) => ({ env, home: HOME, cwd: '/work', ...extra });
const project = (auth: ServerConfig['auth']): ServerConfig => ({
  name: 'docs',
  source: { kind: 'project', file: '/work/.mcp.json', approved: true },
  type: 'http',
  url: 'https://docs.example/mcp',
  headers: {},
  ...(auth && { auth }),
});
const ENV = {
  ENTRA_CLIENT_ID: 'env-client',
  ENTRA_TENANT_ID: 'env-tenant',
  ENTRA_API_SCOPE: 'api://env/execute',
  ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com',
  WARDEN_TOKEN_CACHE: '~/tokens/cache.json',
};

describe('signInSettings', () => {
  it("a server's own entry beats the environment, which fills what the entry leaves out; each value says where it came from", () => {
    const s = signInSettings(project({ kind: 'entra', scope: 'api://docs/read' }), sources(ENV));
    expect(s.kind).toEqual({ value: 'entra', from: { from: 'project-file', file: '/work/.mcp.json', approved: true } });
    expect(s.scope).toEqual({ value: 'api://docs/read', from: { from: 'project-file', file: '/work/.mcp.json', approved: true } });
    expect(s.clientId).toEqual({ value: 'env-client', from: { from: 'env', variable: 'ENTRA_CLIENT_ID' } });
    expect(s.server).toEqual({ name: 'docs', url: 'https://docs.example/mcp', from: { from: 'project-file', file: '/work/.mcp.json', approved: true } });
    expect(s.tokenCache).toEqual({ value: '/home/u/tokens/cache.json', from: { from: 'env', variable: 'WARDEN_TOKEN_CACHE' } });
  });

  it('--no-auth wins over every entry; the shortcut signs in with Entra from the environment, named by its flag or variable', () => {
    expect(signInSettings(project({ kind: 'oauth' }), sources(ENV, { noAuth: true })).kind).toEqual({ value: 'none', from: { from: 'flag', flag: '--no-auth' } });
    const shortcut = signInSettings({ name: 'server', source: { kind: 'shortcut', via: 'flag' }, type: 'http', url: 'http://127.0.0.1:1/mcp', headers: {} }, sources(ENV));
    expect(shortcut.kind).toEqual({ value: 'entra', from: { from: 'default' } });
    expect(shortcut.server.from).toEqual({ from: 'flag', flag: '--server' });
    expect(shortcut.scope?.from).toEqual({ from: 'env', variable: 'ENTRA_API_SCOPE' });
  });

  it('a configured HTTP server without `auth` follows its 401 (kind server), with your Entra client and authority but not your API scope; stdio sends nothing', () => {
    const bare = signInSettings(project(undefined), sources(ENV));
    expect(bare.kind).toEqual({ value: 'server', from: { from: 'default' } });
    expect(bare.clientId?.value).toBe('env-client');
    expect(bare.authorityHost?.value).toBe('https://login.microsoftonline.com');
    expect(bare.scope).toBeUndefined();
    const stdio: ServerConfig = { name: 'local', source: { kind: 'user', file: '/home/u/.config/warden/mcp.json' }, type: 'stdio', command: 'node', args: [], env: {} };
    expect(signInSettings(stdio, sources(ENV)).kind.value).toBe('none');
  });

  it("the server's metadata fills only what nothing configured, and says it came from the server", () => {
    const bare = signInSettings(project({ kind: 'entra' }), sources({ ENTRA_CLIENT_ID: 'c' }));
    const filled = withServerMetadata(bare, { authorityHost: 'https://login.microsoftonline.com', tenantId: 't', scope: 'api://server/execute' });
    expect(filled.scope).toEqual({ value: 'api://server/execute', from: { from: 'server', url: 'https://docs.example/mcp' } });
    const configured = withServerMetadata(signInSettings(project({ kind: 'entra', scope: 'api://mine/x' }), sources()), { scope: 'api://server/execute' });
    expect(configured.scope?.value).toBe('api://mine/x');
  });

  it('lists every setting that directs a credential, with its provenance (where a project file must be approved first)', () => {
    const s = signInSettings(project({ kind: 'client-credentials', clientId: 'app', scope: 'api://x/.default', certificateFile: 'sp.pem' }), sources(ENV));
    const names = Object.fromEntries(credentialSettings(s).map(([name, setting]) => [name, setting.from.from]));
    expect(names).toMatchObject({
      server: 'project-file',
      kind: 'project-file',
      clientId: 'project-file',
      scope: 'project-file',
      certificateFile: 'project-file',
      tenantId: 'env',
    });
    expect(s.certificateFile?.value).toBe('/work/sp.pem');
  });

  it("an oauth client's secret and metadata document direct a credential: an unapproved project file's are named, never their values", () => {
    const auth = { kind: 'oauth' as const, clientId: 'tickets', clientSecret: 'sec-r3t-value', clientMetadataUrl: 'https://app.example/client.json' };
    const unapproved: ServerConfig = { ...project(auth), source: { kind: 'project', file: '/work/.mcp.json', approved: false } };
    expect(unapprovedCredentials(signInSettings(unapproved, sources()))).toEqual(['server', 'kind', 'clientId', 'clientSecret', 'clientMetadataUrl']);
    const approved = signInSettings(project(auth), sources());
    expect(unapprovedCredentials(approved)).toEqual([]);
    expect(approved.clientSecret?.value).toBe('sec-r3t-value');
  });
});
