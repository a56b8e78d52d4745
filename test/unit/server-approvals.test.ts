import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorityHostKey } from '../../auth/login/authority.js';
import { approvalsPath, serverResource, ServerApprovals } from '../../auth/login/server-approvals.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'warden-approvals-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('serverResource', () => {
  it('keeps origin and path only: no trailing slash, query, fragment or userinfo; default port and host case normalised', () => {
    expect(serverResource('https://user:secret@Example.COM:443/mcp/?x=1#frag')).toBe('https://example.com/mcp');
    expect(serverResource('http://127.0.0.1:8000/mcp')).toBe('http://127.0.0.1:8000/mcp');
    expect(serverResource('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => serverResource('file:///etc/passwd')).toThrow(/not an http\(s\) server URL/);
    expect(() => serverResource('nonsense')).toThrow(/not a server URL/);
  });
});

describe('authorityHostKey', () => {
  it('is host[:port] in lower case, from a URL or a bare host', () => {
    expect(authorityHostKey('https://Login.MicrosoftOnline.com/tenant/v2.0')).toBe('login.microsoftonline.com');
    expect(authorityHostKey('localhost:8443')).toBe('localhost:8443');
    expect(authorityHostKey('https://localhost:443')).toBe('localhost');
  });
});

describe('ServerApprovals', () => {
  it('lives beside the token cache', () => {
    expect(approvalsPath('/home/u/.config/warden/token_cache.json')).toBe('/home/u/.config/warden/server-approvals.json');
  });

  it('records servers per scope and approved hosts in a private file, without duplicates', async () => {
    const path = join(root, 'warden', 'server-approvals.json');
    const store = new ServerApprovals(path);
    expect((await store.read()).scopes.size).toBe(0);
    await store.approveServer('api://A/execute', 'http://127.0.0.1:1/mcp/');
    await store.approveServer('API://a/EXECUTE', 'http://127.0.0.1:1/mcp');
    await store.approveServer('api://a/execute', 'http://127.0.0.1:2/mcp');
    await store.approveAuthorityHost('https://LocalHost:8443');
    await store.approveAuthorityHost('localhost:8443');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const read = await new ServerApprovals(path).read();
    expect(read.scopes.get('api://a/execute')).toEqual(['http://127.0.0.1:1/mcp', 'http://127.0.0.1:2/mcp']);
    expect([...read.authorityHosts]).toEqual(['localhost:8443']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      scopes: { 'api://a/execute': ['http://127.0.0.1:1/mcp', 'http://127.0.0.1:2/mcp'] },
      authorityHosts: ['localhost:8443'],
    });
  });

  it('approvals made at the same time (by several agents) are all kept', async () => {
    const path = join(root, 'server-approvals.json');
    const servers = Array.from({ length: 12 }, (_, i) => `http://127.0.0.1:${1000 + i}/mcp`);
    await Promise.all(servers.map((server) => new ServerApprovals(path).approveServer('api://a/execute', server)));
    expect([...((await new ServerApprovals(path).read()).scopes.get('api://a/execute') ?? [])].sort()).toEqual([...servers].sort());
  });

  it('a broken or foreign file approves nothing, and the next approval replaces it', async () => {
    const path = join(root, 'server-approvals.json');
    writeFileSync(path, '{"version": 1, "scopes": {"api://a/execute": ', { mode: 0o600 });
    const store = new ServerApprovals(path);
    expect((await store.read()).scopes.size).toBe(0);
    writeFileSync(path, JSON.stringify({ version: 7, scopes: { 'api://a/execute': ['http://x'] } }), { mode: 0o600 });
    expect((await store.read()).scopes.size).toBe(0);
    await store.approveServer('api://b/execute', 'http://b/mcp');
    expect([...(await store.read()).scopes.keys()]).toEqual(['api://b/execute']);
  });
});
