import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchHomeAndProject, writeClaudeJson, writeProjectServers, writeUserServers } from '../helpers/config-dirs.js';
import { loadServerConfigs, untrustedNotice, type LoadServerOptions } from '../../agent/core/host/load-servers.js';
import { approveProjectFile } from '../../agent/core/host/trust-store.js';
import { ConfigError, UsageError } from '../../config/errors.js';
import { printableUrl } from '../../config/printable-url.js';

let root: string;
let home: string;
let cwd: string;

beforeEach(async () => {
  ({ root, home, cwd } = await scratchHomeAndProject('warden-mcp-config-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const writeUser = (value: unknown): Promise<string> => writeUserServers(home, value);
const writeProject = (value: unknown): Promise<string> => writeProjectServers(cwd, value);
const load = (options: Partial<LoadServerOptions> = {}) => loadServerConfigs({ env: {}, home, cwd, ...options });

async function rejection(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadServerConfigs', () => {
  it('reads a Claude Code .mcp.json unchanged: command ⇒ stdio, url ⇒ http, unknown keys ignored', async () => {
    const file = await writeUser({
      globalShortcut: 'x',
      mcpServers: {
        files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], env: { DEBUG: '1' }, disabled: false },
        docs: { url: 'https://docs.example/mcp', headers: { 'X-Team': 'a' }, oauth: { clientId: 'y' } },
        legacy: { type: 'sse', url: 'http://127.0.0.1:9/sse', timeout: 5000, tools: { exclude: ['delete_*'] } },
      },
    });
    const { servers, untrusted } = await load();
    expect(untrusted).toEqual([]);
    expect(servers).toEqual([
      { name: 'files', source: { kind: 'user', file }, type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], env: { DEBUG: '1' } },
      { name: 'docs', source: { kind: 'user', file }, type: 'http', url: 'https://docs.example/mcp', headers: { 'X-Team': 'a' } },
      { name: 'legacy', source: { kind: 'user', file }, type: 'sse', url: 'http://127.0.0.1:9/sse', headers: {}, timeoutMs: 5000, tools: { exclude: ['delete_*'] } },
    ]);
  });

  it('without any file: the one-server shortcut at the default URL, as before', async () => {
    expect((await load()).servers).toEqual([{ name: 'server', source: { kind: 'shortcut' }, type: 'http', url: 'http://127.0.0.1:8000/mcp', headers: {} }]);
    // Who named the URL travels with it (its sign-in settings carry that provenance).
    const [only] = (await load({ env: { MCP_SERVER_URL: 'http://127.0.0.1:9/mcp' } })).servers;
    expect(only).toMatchObject({ name: 'server', url: 'http://127.0.0.1:9/mcp', source: { kind: 'shortcut', via: 'env' } });
    const [flagged] = (await load({ env: { MCP_SERVER_URL: 'http://127.0.0.1:9/mcp' }, flags: { server: ['http://127.0.0.1:10/mcp'] } })).servers;
    expect(flagged).toMatchObject({ url: 'http://127.0.0.1:10/mcp', source: { kind: 'shortcut', via: 'flag' } });
  });

  it('configured servers replace the default shortcut; an explicit --server is added beside them', async () => {
    await writeUser({ mcpServers: { a: { url: 'http://127.0.0.1:1/mcp' } } });
    expect((await load()).servers.map((s) => s.name)).toEqual(['a']);
    expect((await load({ flags: { server: ['http://127.0.0.1:2/mcp'] } })).servers.map((s) => s.name)).toEqual(['a', 'server']);
  });

  it('a second --server is a usage error, a comma list in MCP_SERVER_URL a config error pointing at the file', async () => {
    const twice = await rejection(load({ flags: { server: ['http://a/mcp', 'http://b/mcp'] } }));
    expect(twice).toBeInstanceOf(UsageError);
    expect(twice.message).toMatch(/--server takes one URL/);
    const comma = await rejection(load({ env: { MCP_SERVER_URL: 'http://a/mcp,http://b/mcp' } }));
    expect(comma).toBeInstanceOf(ConfigError);
    expect(comma.message).toMatch(/MCP_SERVER_URL.*mcp\.json/);
  });

  it('expands ${VAR} and ${VAR:-default} in url, headers, args and env only, reading only named variables', async () => {
    await writeUser({
      mcpServers: {
        h: { url: 'http://${HOST:-127.0.0.1}:${PORT}/mcp', headers: { Authorization: 'Bearer ${API_KEY}' } },
        s: { command: '${NOT_EXPANDED}', args: ['--root', '${ROOT:-/srv}'], env: { TOKEN: '${API_KEY}' }, cwd: 'sub' },
      },
    });
    const read: string[] = [];
    const env = new Proxy({ PORT: '9', API_KEY: 'k-123', OTHER_SECRET: 'x' } as Record<string, string | undefined>, {
      get: (target, key: string) => (read.push(key), target[key]),
    });
    const { servers } = await load({ env });
    expect(servers[0]).toMatchObject({ url: 'http://127.0.0.1:9/mcp', headers: { Authorization: 'Bearer k-123' } });
    expect(servers[1]).toMatchObject({ command: '${NOT_EXPANDED}', args: ['--root', '/srv'], env: { TOKEN: 'k-123' }, cwd: join(home, '.config', 'warden', 'sub') });
    expect(new Set(read.filter((k) => /^[A-Z_]+$/.test(k)))).toEqual(new Set(['HOST', 'PORT', 'API_KEY', 'ROOT', 'MCP_SERVER_URL']));
  });

  it('an unset variable without a default makes that server unavailable, naming key and variable — never a value; the others load', async () => {
    await writeUser({
      mcpServers: {
        api: { url: 'http://h/mcp', headers: { 'X-Key': 'secret-${MISSING}' } },
        host: { url: 'https://${NO_HOST}/mcp' },
        tool: { command: 'x', args: ['--key', '${NO_ARG}'] },
        token: { url: 'http://h/mcp', auth: { kind: 'bearer', tokenEnv: 'NOPE' } },
        fine: { url: 'http://fine/mcp' },
      },
    });
    const { servers } = await load();
    expect(Object.fromEntries(servers.map((s) => [s.name, s.unavailable]))).toEqual({
      api: '${MISSING} is not set (used in its headers.X-Key; set it, or give a default: ${MISSING:-value})',
      host: '${NO_HOST} is not set (used in its url; set it, or give a default: ${NO_HOST:-value})',
      tool: '${NO_ARG} is not set (used in its args[1]; set it, or give a default: ${NO_ARG:-value})',
      token: 'NOPE is not set (its auth.tokenEnv names it)',
      fine: undefined,
    });
  });

  it('an oauth client secret may come from ${VAR}: expanded like a header, and the server is unavailable while it is unset', async () => {
    await writeUser({
      mcpServers: {
        set: { url: 'http://h/mcp', auth: { kind: 'oauth', clientId: 'c', clientSecret: '${TICKETS_SECRET}' } },
        unset: { url: 'http://h/mcp', auth: { kind: 'oauth', clientId: 'c', clientSecret: '${NO_SECRET}' } },
      },
    });
    const { servers } = await load({ env: { TICKETS_SECRET: 's-3cret' } });
    expect(servers[0]).toMatchObject({ auth: { kind: 'oauth', clientId: 'c', clientSecret: 's-3cret' } });
    expect(servers[1]?.unavailable).toBe('${NO_SECRET} is not set (used in its auth.clientSecret; set it, or give a default: ${NO_SECRET:-value})');
  });

  it.each([
    [{ mcpServers: { s: { command: 'x', args: ['a', 3] } } }, 'server "s", key "args[1]": expected a string'],
    [{ mcpServers: { s: { url: 'http://h', timeout: -1 } } }, 'server "s", key "timeout": expected a positive number of milliseconds'],
    [{ mcpServers: { s: { type: 'websocket', url: 'ws://h' } } }, 'server "s", key "type": expected "http", "sse" or "stdio"'],
    [{ mcpServers: { s: { url: 'ftp://user:pw@h/x' } } }, 'server "s", key "url": expected an http(s) URL'],
    [{ mcpServers: { s: { type: 'stdio', url: 'http://h' } } }, 'server "s", key "command": a stdio server needs a command'],
    [{ mcpServers: { s: {} } }, 'server "s": expected "command" (a stdio server) or "url" (an HTTP server)'],
    [{ mcpServers: { s: { url: 'http://h', tools: { include: ['a'], exclude: ['b'] } } } }, 'server "s", key "tools": expected either "include" or "exclude", not both or neither'],
    [{ mcpServers: { 'files.read': { command: 'x' } } }, 'server "files.read": invalid server name: use letters, digits, "_" and "-" (at most 64)'],
    [{ mcpServers: [] }, 'key "mcpServers": expected an object of servers'],
    [
      { mcpServers: { s: { url: 'http://h', auth: { kind: 'oauth', clientSecret: 'x' } } } },
      'server "s", key "auth.clientSecret": a clientSecret belongs to a registered client: give its clientId too',
    ],
    [
      { mcpServers: { s: { url: 'http://h', auth: { kind: 'oauth', clientMetadataUrl: 'http://app.example/client.json' } } } },
      'server "s", key "auth.clientMetadataUrl": expected an https URL with a path (the client ID metadata document)',
    ],
  ])('a bad file gives one line naming file, server and key: %j', async (content, expected) => {
    const file = await writeUser(content);
    const error = await rejection(load());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${file}: ${expected}`);
  });

  it('invalid JSON gives the position, not the text (which may hold a key)', async () => {
    const file = await writeUser('{"mcpServers": {"a": {"url": "http://h", "headers": {"K": "sk-secret"}}');
    const error = await rejection(load());
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    expect(error.message).not.toContain('sk-secret');
  });

  it('precedence for one name: --mcp-config > project (once approved) > user', async () => {
    await writeUser({ mcpServers: { a: { url: 'http://user/mcp' }, b: { url: 'http://user/mcp' }, c: { url: 'http://user/mcp' } } });
    await writeProject({ mcpServers: { b: { url: 'http://project/mcp' }, c: { url: 'http://project/mcp' } } });
    await writeFile(join(cwd, 'extra.json'), JSON.stringify({ mcpServers: { c: { url: 'http://flag/mcp' } } }));
    const { servers } = await load({ flags: { mcpConfig: ['extra.json'], trustProject: true } });
    expect(servers.map((s) => [s.name, s.type !== 'stdio' && s.url, s.source.kind])).toEqual([
      ['a', 'http://user/mcp', 'user'],
      ['b', 'http://project/mcp', 'project'],
      ['c', 'http://flag/mcp', 'flag'],
    ]);
    // Not approved: the project's b waits, your own b goes on; --mcp-config is yours, so its c counts.
    const unapproved = await load({ flags: { mcpConfig: ['extra.json'] } });
    expect(unapproved.servers.map((s) => [s.name, s.source.kind])).toEqual([
      ['a', 'user'],
      ['b', 'user'],
      ['c', 'flag'],
    ]);
    expect(unapproved.skipped).toEqual(expect.arrayContaining([{ name: 'b', reason: expect.stringContaining('it would replace your server "b"') }]));
    const missing = await rejection(load({ flags: { mcpConfig: ['nope.json'] } }));
    expect(missing.message).toBe(`cannot read the MCP server file ${join(cwd, 'nope.json')} (no such file)`);
  });

  it("a project file's stdio servers (and servers reading the environment) wait for approval; a change asks again", async () => {
    const store = join(home, 'trust.json');
    const file = await writeProject({
      mcpServers: { run: { command: 'node', args: ['x.js'] }, keyed: { url: 'http://h/mcp', headers: { K: '${KEY:-}' } }, plain: { url: 'http://p/mcp' } },
    });
    const first = await load({ trustStorePath: store });
    expect(first.servers.map((s) => s.name)).toEqual(['plain']);
    expect(first.skipped.map((s) => s.name)).toEqual(['run', 'keyed']);
    expect(first.untrusted).toHaveLength(1);
    const [pending] = first.untrusted;
    expect(pending?.servers.map((s) => s.name)).toEqual(['run', 'keyed']);
    expect(untrustedNotice(pending!)).toMatch(/^skipped run, keyed from .*\.mcp\.json: .*--trust-project\)$/);

    await approveProjectFile(pending!.file, pending!.hash, { storePath: store });
    expect((await stat(store)).mode & 0o777).toBe(0o600);
    expect((await load({ trustStorePath: store })).servers.map((s) => s.name)).toEqual(['run', 'keyed', 'plain']);

    await writeFile(file, (await readFile(file, 'utf8')).replace('x.js', 'evil.js'));
    const changed = await load({ trustStorePath: store });
    expect(changed.servers.map((s) => s.name)).toEqual(['plain']);
    expect(changed.untrusted[0]?.hash).not.toBe(pending!.hash);

    expect((await load({ trustStorePath: store, flags: { trustProject: true } })).servers.map((s) => s.name)).toEqual(['run', 'keyed', 'plain']);
  });
});

describe("Claude Code's ~/.claude.json", () => {
  it("its user scope and this directory's local scope are user-level servers, labelled with their scope; other projects' servers are not", async () => {
    const file = await writeClaudeJson(home, {
      user: {
        everywhere: { type: 'http', url: 'https://everywhere.example/mcp', headers: { Authorization: 'Bearer ${TEAM_TOKEN}' } },
        shadowed: { type: 'http', url: 'http://user/mcp' },
      },
      local: {
        [cwd]: { mine: { type: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { K: 'v' } }, shadowed: { type: 'sse', url: 'http://local/sse' } },
        '/home/someone/elsewhere': { notHere: { type: 'stdio', command: 'x', args: [], env: {} } },
      },
    });
    const { servers, untrusted, notices } = await load({ env: { TEAM_TOKEN: 't-1' } });
    expect(untrusted).toEqual([]);
    expect(notices).toEqual([]);
    expect(servers).toEqual([
      {
        name: 'everywhere',
        source: { kind: 'user', file, claudeScope: 'user' },
        type: 'http',
        url: 'https://everywhere.example/mcp',
        headers: { Authorization: 'Bearer t-1' },
        variables: ['TEAM_TOKEN'],
      },
      // Its local scope wins over its user scope for one name, as in Claude Code.
      { name: 'shadowed', source: { kind: 'user', file, claudeScope: 'local' }, type: 'sse', url: 'http://local/sse', headers: {} },
      { name: 'mine', source: { kind: 'user', file, claudeScope: 'local' }, type: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { K: 'v' } },
    ]);
  });

  it("Warden's own files win over it for one name; a project file's server of the same name waits for approval while the user's goes on", async () => {
    const claudeFile = await writeClaudeJson(home, { user: { a: { type: 'http', url: 'http://claude/mcp' }, b: { type: 'http', url: 'http://claude/mcp' } } });
    const userFile = await writeUser({ mcpServers: { a: { url: 'http://warden/mcp' } } });
    await writeProject({ mcpServers: { b: { command: 'x' } } });
    const { servers, untrusted } = await load();
    expect(servers.map((s) => [s.name, s.source])).toEqual([
      ['a', { kind: 'user', file: userFile }],
      ['b', { kind: 'user', file: claudeFile, claudeScope: 'user' }],
    ]);
    expect(untrusted.map((u) => u.servers.map((s) => s.name))).toEqual([['b']]);
    expect(untrusted[0]?.replaces).toEqual({ b: 'http://claude/mcp' });
  });

  it('never stops Warden: an entry that does not fit is that server unavailable, a name Warden cannot use and a broken file are one notice each', async () => {
    const file = await writeClaudeJson(home, {
      user: {
        odd: { type: 'websocket', url: 'ws://h' },
        'has.dot': { type: 'http', url: 'http://h/mcp' },
        keyed: { type: 'http', url: 'http://h/mcp', headers: { K: '${UNSET_KEY}' } },
        ok: { type: 'http', url: 'http://ok/mcp' },
      },
    });
    const loaded = await load();
    expect(loaded.servers.map((s) => [s.name, s.unavailable])).toEqual([
      ['odd', `its entry in ${file} does not fit (key "type"): expected "http", "sse" or "stdio"`],
      ['keyed', '${UNSET_KEY} is not set (used in its headers.K; set it, or give a default: ${UNSET_KEY:-value})'],
      ['ok', undefined],
    ]);
    expect(loaded.notices).toEqual([`server "has.dot" in ${file} (mcpServers) is not used: Warden needs names of letters, digits, "_" and "-" (at most 64)`]);

    await writeFile(file, '{"numStartups": 3, "mcpServers": {');
    const broken = await load();
    expect(broken.notices).toEqual([`${file} is not valid JSON; Claude Code's servers are not used this time`]);
    expect(broken.servers.map((s) => s.name)).toEqual(['server']);
  });
});

describe('printableUrl', () => {
  it('drops userinfo and fragment, masks query values, never echoes what is not a URL', () => {
    expect(printableUrl('http://user:s3cret@host.example:8080/mcp?api_key=abc&x=1#frag')).toBe('http://host.example:8080/mcp?api_key=***&x=***');
    expect(printableUrl('https://h/mcp')).toBe('https://h/mcp');
    expect(printableUrl('not a url with s3cret')).toBe('(not a valid URL)');
  });
});

describe('redactServerText', () => {
  it("replaces a server's raw URL with its printable form and every secret of its settings with ***", async () => {
    const { redactServerText } = await import('../../agent/core/host/redact.js');
    const config = {
      name: 'web',
      source: { kind: 'user' as const, file: 'f' },
      type: 'http' as const,
      url: 'http://bob:pw-s3cret@h.example/mcp?key=q-s3cret',
      headers: { Authorization: 'Bearer hdr-s3cret' },
      auth: { kind: 'bearer' as const, tokenEnv: 'TOKEN' },
    };
    const message = 'failed for http://bob:pw-s3cret@h.example/mcp?key=q-s3cret: sent Bearer hdr-s3cret, token tok-s3cret, user bob:pw-s3cret';
    expect(redactServerText(message, config, { TOKEN: 'tok-s3cret' })).toBe('failed for http://h.example/mcp?key=***: sent ***, token ***, user bob:***');
    const oauth = { ...config, url: 'https://h.example/mcp', headers: {}, auth: { kind: 'oauth' as const, clientId: 'c', clientSecret: 'cl/s3cret+' } };
    expect(redactServerText('client_secret=cl%2Fs3cret%2B or cl/s3cret+', oauth)).toBe('client_secret=*** or ***');
  });
});
