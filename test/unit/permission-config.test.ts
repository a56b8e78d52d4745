import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchHomeAndProject, writeUserServers } from '../helpers/config-dirs.js';
import { loadServerConfigs, untrustedNotice } from '../../agent/core/host/load-servers.js';
import { buildToolCatalog } from '../../agent/core/host/tool-names.js';
import { Approver } from '../../agent/core/permissions/approver.js';
import { AuditLog } from '../../agent/core/permissions/audit-log.js';
import { redactArgs } from '../../agent/core/redaction.js';
import { NO_PERMISSIONS } from '../../agent/core/permissions/policy.js';
import { removeRule, saveRule } from '../../agent/core/permissions/saved-rules.js';
import { ToolCallRegistry } from '../../agent/core/tool-calls/registry.js';

let root: string;
let home: string;
let cwd: string;

beforeEach(async () => {
  ({ root, home, cwd } = await scratchHomeAndProject('warden-permissions-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const writeUser = (value: unknown): Promise<string> => writeUserServers(home, value);

describe('permissions in configuration files', () => {
  it('reads trust per server, allow/deny per file and the saved rules of the user file', async () => {
    const user = await writeUser({
      mcpServers: { files: { command: 'fs-server', trust: 'read-only' } },
      permissions: { allow: ['files__read_*'], deny: ['files__rm'], saved: [{ tool: 'files__write' }, { readOnlyServer: 'files' }] },
    });
    const loaded = await loadServerConfigs({ env: {}, home, cwd });
    expect(loaded.servers[0]).toMatchObject({ name: 'files', trust: 'read-only' });
    expect(loaded.permissions).toEqual({
      allow: [{ pattern: 'files__read_*', file: user }],
      deny: [{ pattern: 'files__rm', file: user }],
      saved: [{ tool: 'files__write' }, { readOnlyServer: 'files' }],
    });
  });

  it('a bad trust or permissions value is one line naming the file and key', async () => {
    const user = await writeUser({ mcpServers: { files: { command: 'x', trust: 'yes' } } });
    await expect(loadServerConfigs({ env: {}, home, cwd })).rejects.toThrow(`${user}: server "files", key "trust": expected "ask", "read-only" or "all"`);
    await writeUser({ permissions: { allow: 'files__*' } });
    await expect(loadServerConfigs({ env: {}, home, cwd })).rejects.toThrow(`${user}: key "permissions.allow": expected a list of tool patterns such as ["files__read_*"]`);
  });

  it("a project file's deny rules count at once, its allow rules only once the file is approved", async () => {
    const project = join(cwd, '.mcp.json');
    await writeFile(project, JSON.stringify({ mcpServers: { web: { url: 'http://h/mcp' } }, permissions: { allow: ['*'], deny: ['web__post'] } }));
    const store = join(home, 'trust.json');
    const first = await loadServerConfigs({ env: {}, home, cwd, trustStorePath: store });
    expect(first.servers.map((s) => s.name)).toEqual(['web']);
    expect(first.permissions.deny).toEqual([{ pattern: 'web__post', file: project }]);
    expect(first.permissions.allow).toEqual([]);
    expect(first.untrusted).toMatchObject([{ file: project, servers: [], allowRules: ['*'] }]);
    expect(untrustedNotice(first.untrusted[0]!)).toMatch(/^ignored its permissions\.allow from .*\.mcp\.json: the file is not approved/);
    const trusted = await loadServerConfigs({ env: {}, home, cwd, trustStorePath: store, flags: { trustProject: true } });
    expect(trusted.permissions.allow).toEqual([{ pattern: '*', file: project }]);
  });
});

describe('saved rules in the user file', () => {
  it('are added once and removed, leaving servers and other keys alone; the file stays private', async () => {
    const file = await writeUser({ mcpServers: { files: { command: 'x' } }, permissions: { deny: ['a__b'] }, other: 1 });
    await saveRule(file, { tool: 'files__write' });
    await saveRule(file, { tool: 'files__write' });
    await saveRule(file, { readOnlyServer: 'files' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      mcpServers: { files: { command: 'x' } },
      permissions: { deny: ['a__b'], saved: [{ tool: 'files__write' }, { readOnlyServer: 'files' }] },
      other: 1,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await removeRule(file, { tool: 'files__write' })).toBe(true);
    expect(await removeRule(file, { tool: 'files__write' })).toBe(false);
    expect(JSON.parse(await readFile(file, 'utf8')).permissions.saved).toEqual([{ readOnlyServer: 'files' }]);
  });
});

describe('Approver', () => {
  const catalog = buildToolCatalog(
    [
      { server: 'files', name: 'write_file', annotations: { destructiveHint: true } },
      { server: 'files', name: 'read_file', annotations: { readOnlyHint: true } },
    ],
    { prefix: true },
  );
  const [read, write] = catalog.tools as [(typeof catalog.tools)[0], (typeof catalog.tools)[0]];

  function setup(canAsk = true) {
    const registry = new ToolCallRegistry();
    const saved: unknown[] = [];
    const audited: unknown[] = [];
    const approver = new Approver({
      settings: NO_PERMISSIONS,
      trustOf: () => 'ask',
      identityOf: () => ({ id: 'files-id', usersOwn: true }),
      plainNames: false,
      canAsk,
      save: async (rule) => void saved.push(rule),
      audit: (entry) => audited.push(entry),
    });
    const start = (args: Record<string, unknown> = {}) => registry.start('write_file', args, { server: 'files', status: 'queued' }).record.id;
    return { registry, saved, audited, approver, start };
  }

  it("`s` on a read-only tool saves the server's read-only rule: its read-only tools run unasked, the destructive one still asks", async () => {
    const { registry, saved, approver, start } = setup();
    const id = start();
    const asked = approver.approve(read, id, registry);
    expect(registry.get(id)?.question).toEqual({ kind: 'approval', annotations: { readOnlyHint: true }, readOnly: true });
    registry.answer(id, { kind: 'approval', decision: 'server-read-only' });
    expect(await asked).toEqual({ run: true });
    expect(saved).toEqual([{ server: 'files', readOnly: true, for: 'files-id' }]);
    expect(approver.verdict(read).decision).toBe('allow');
    expect(approver.verdict(write).decision).toBe('ask');
  });

  it('a denial with a reason reaches the model; cancelling a waiting call rejects like a cancelled call', async () => {
    const { registry, audited, approver, start } = setup();
    const id = start({ path: '/etc/passwd' });
    const asked = approver.approve(write, id, registry);
    registry.answer(id, { kind: 'approval', decision: 'deny', reason: 'not that file' });
    expect(await asked).toMatchObject({
      run: false,
      denied: 'user',
      reason: 'denied by you: not that file',
      result: 'The user declined this tool call. Their reason: not that file',
    });
    expect(audited).toEqual([{ server: 'files', tool: 'write_file', decision: 'deny', source: 'user: denied with a reason', args: { path: '/etc/passwd' }, callId: id }]);

    const other = start();
    const waiting = approver.approve(write, other, registry);
    registry.cancel(other);
    await expect(waiting).rejects.toThrow('cancelled by the user');
  });

  it('`a` on one of several waiting calls of a tool lets the others of that tool go too; a different tool still waits', async () => {
    const { registry, audited, approver, start } = setup();
    const [a, b, c] = [start(), start(), start()];
    const first = approver.approve(write, a, registry);
    const second = approver.approve(write, b, registry);
    const third = approver.approve(read, c, registry);
    registry.answer(a, { kind: 'approval', decision: 'always' });
    expect(await first).toEqual({ run: true });
    expect(await second).toEqual({ run: true });
    expect(registry.get(b)?.question).toBeUndefined();
    expect(registry.get(c)?.question?.kind).toBe('approval');
    expect(audited.map((e) => (e as { source: string }).source)).toEqual(['user: allowed this tool always', 'saved rule: allow files › write_file']);
    registry.cancel(c);
    await expect(third).rejects.toThrow();
  });

  it('forget removes a saved rule: the tool asks again', async () => {
    const { registry, approver, start } = setup();
    const id = start();
    const asked = approver.approve(write, id, registry);
    registry.answer(id, { kind: 'approval', decision: 'always' });
    await asked;
    expect(approver.savedRules()).toEqual([{ server: 'files', tool: 'write_file', for: 'files-id' }]);
    expect(approver.verdict(write).decision).toBe('allow');
    expect(await approver.forget({ server: 'files', tool: 'write_file', for: 'files-id' })).toBe(true);
    expect(approver.verdict(write).decision).toBe('ask');
  });
});

describe('audit log', () => {
  it('reads argument names as words: a count or a flag under a name like maxTokens is not a secret', () => {
    expect(
      redactArgs({
        maxTokens: 50,
        max_tokens: 1024,
        inputTokens: 12,
        author: 'Ada Lovelace',
        authority: 'https://login.example.com',
        useAuth: true,
        access_token: 'opaque-value',
        'x-api-key': 'short',
        clientSecret: 'shh',
        sessionId: 'abc',
        password: 123456,
        AUTH_TOKEN: 'abc',
      }),
    ).toEqual({
      maxTokens: 50,
      max_tokens: 1024,
      inputTokens: 12,
      author: 'Ada Lovelace',
      authority: 'https://login.example.com',
      useAuth: true,
      access_token: '[redacted]',
      'x-api-key': '[redacted]',
      clientSecret: '[redacted]',
      sessionId: '[redacted]',
      password: '[redacted]',
      AUTH_TOKEN: '[redacted]',
    });
  });

  it('never writes secret-looking argument values', () => {
    expect(
      redactArgs({
        path: 'notes.md',
        apiKey: 'short',
        headers: { Authorization: 'Bearer abc.def' },
        body: 'Bearer xyz123',
        jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
        key: 'AKIAABCDEFGHIJKLMNOP',
        blob: 'a8f3k2j4h5g6d7s8a9q0w1e2r3t4y5u6i7o8',
        text: 'a perfectly ordinary sentence that is not a secret at all, even if long',
      }),
    ).toEqual({
      path: 'notes.md',
      apiKey: '[redacted]',
      headers: { Authorization: '[redacted]' },
      body: '[redacted]',
      jwt: '[redacted]',
      key: '[redacted]',
      blob: '[redacted]',
      text: 'a perfectly ordinary sentence that is not a secret at all, even if long',
    });
  });

  it('appends one JSON line per decision to a private file', async () => {
    const path = join(home, '.config', 'warden', 'audit.log');
    const log = new AuditLog({ path, now: () => Date.UTC(2026, 10, 29, 12) });
    log.record({ server: 'files', tool: 'write_file', decision: 'allow', source: '--yes', args: { token: 'secret-value' } });
    log.record({ server: 'files', tool: 'read_file', decision: 'deny', source: 'user: denied', args: {} });
    await log.flushed();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { time: '2026-11-29T12:00:00.000Z', server: 'files', tool: 'write_file', decision: 'allow', source: '--yes', args: { token: '[redacted]' } },
      { time: '2026-11-29T12:00:00.000Z', server: 'files', tool: 'read_file', decision: 'deny', source: 'user: denied', args: {} },
    ]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
