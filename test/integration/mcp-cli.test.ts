import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';

const ENV_SERVER = fileURLToPath(new URL('../fixtures/stdio/env-server.mjs', import.meta.url));
const STDOUT_LOG_SERVER = fileURLToPath(new URL('../fixtures/stdio/stdout-log-server.mjs', import.meta.url));
const SECRETS = ['env-s3cret-value', 'hdr-s3cret-value', 'pw-s3cret-value', 'q-s3cret-value'];

let root: string;
let home: string;
let project: string;
let http: TestServer;
const transcript: string[] = [];

/** `warden ARGS…` with HOME and the working directory in the test's temp dirs; everything it printed is kept for the secrets grep. */
async function warden(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, { cwd: project, env: { HOME: home, ...env } });
  const code = await cli.exited;
  transcript.push(cli.stdout(), cli.stderr());
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'warden-mcp-cli-'));
  home = join(root, 'home');
  project = join(root, 'project');
  await mkdir(project, { recursive: true });
  http = await startTestServer({}, { noAuth: true });
});
afterAll(async () => {
  await http.server.close();
  await rm(root, { recursive: true, force: true });
});

describe('warden mcp', () => {
  it('add, list, get and remove round trip on the user and the project file, keeping what they do not understand', async () => {
    const userFile = join(home, '.config', 'warden', 'mcp.json');
    await mkdir(join(home, '.config', 'warden'), { recursive: true });
    await writeFile(userFile, JSON.stringify({ theme: 'dark', mcpServers: { keep: { url: 'http://127.0.0.1:9/mcp', disabled: true } } }));

    const addStdio = await warden(['mcp', 'add', 'envy', '--env', 'SECRET_ENV=env-s3cret-value', '--', process.execPath, ENV_SERVER]);
    expect(addStdio).toMatchObject({ code: 0, stdout: `Added stdio server "envy" (${process.execPath}) to ${userFile}\n` });

    const url = new URL(http.server.url);
    url.username = 'bob';
    url.password = 'pw-s3cret-value';
    url.searchParams.set('key', 'q-s3cret-value');
    const addHttp = await warden(['mcp', 'add', '--scope', 'project', '--header', 'X-Api-Key: hdr-s3cret-value', 'web', url.href]);
    expect(addHttp.code).toBe(0);
    expect(addHttp.stdout).toBe(`Added http server "web" (${http.server.url}?key=***) to ${join(project, '.mcp.json')}\n`);
    expect((await warden(['mcp', 'add', 'down', `http://127.0.0.1:${await closedPort()}/mcp`])).code).toBe(0);

    const again = await warden(['mcp', 'add', 'envy', '--', 'true']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already in/);

    // Generous: a loaded machine can take seconds to start a node server.
    const list = await warden(['mcp', 'list', '--timeout', '30']);
    expect(list.code).toBe(0);
    const rows = Object.fromEntries(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split(/\s+/)[0], line]),
    );
    // A program is shown with its first arguments, enough to tell two `node …` servers apart.
    expect(rows.envy).toMatch(/^envy\s+user\s+stdio\s+node …\/stdio\/env-server\.mjs\s+✓ connected · 2 tools$/);
    expect(rows.web).toMatch(/^web\s+project\s+http\s+http:\/\/127\.0\.0\.1:\d+\/mcp\?key=\*\*\*\s+✓ connected · 3 tools$/);
    expect(rows.down).toMatch(/^down\s+user\s+http\s+\S+\s+✗ cannot reach the MCP server at .*connection refused/);
    expect(rows.keep).toMatch(/✗/);

    const get = await warden(['mcp', 'get', 'web']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/headers: {3}X-Api-Key: \*\*\*/);
    expect(get.stdout).toMatch(/url: {7}http:\/\/127\.0\.0\.1:\d+\/mcp\?key=\*\*\*/);
    expect((await warden(['mcp', 'get', 'envy'])).stdout).toMatch(/env: {7}SECRET_ENV=\*\*\*/);

    expect((await warden(['mcp', 'remove', 'web'])).code).toBe(0);
    expect((await warden(['mcp', 'remove', 'down'])).code).toBe(0);
    expect((await warden(['mcp', 'remove', 'down'])).code).toBe(1);
    const user = JSON.parse(await readFile(userFile, 'utf8')) as { theme: string; mcpServers: Record<string, unknown> };
    expect(Object.keys(user)).toEqual(['theme', 'mcpServers']);
    expect(Object.keys(user.mcpServers)).toEqual(['keep', 'envy']);
    expect(user.mcpServers.keep).toEqual({ url: 'http://127.0.0.1:9/mcp', disabled: true });
    expect(JSON.parse(await readFile(join(project, '.mcp.json'), 'utf8'))).toEqual({ mcpServers: {} });
    expect((await stat(userFile)).mode & 0o777).toBe(0o600);

    // Header values, env values, URL userinfo and query values never appeared in any output.
    const all = transcript.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });

  it('a broken file stops with one line naming the file, the server and the key (exit 2)', async () => {
    const file = join(project, 'broken.json');
    await writeFile(file, JSON.stringify({ mcpServers: { good: { url: 'http://h/mcp' }, bad: { command: 'x', env: { TOKEN: 42 } } } }));
    const result = await warden(['mcp', 'list', '--mcp-config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`warden: ${file}: server "bad", key "env.TOKEN": expected a string\n`);
  });

  it("an unapproved project file's stdio servers are listed but never started", async () => {
    const dir = join(root, 'cloned');
    await mkdir(dir);
    const marker = join(dir, 'started');
    await writeFile(
      join(dir, '.mcp.json'),
      JSON.stringify({ mcpServers: { sneaky: { command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`] } } }),
    );
    const cli = startCli(['mcp', 'list'], { cwd: dir, env: { HOME: home } });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toMatch(/^sneaky\s+project\s+stdio\s+.*✗ not started: this \.mcp\.json is not approved yet/m);
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);

    // Adding your own server to it does not approve what was already there.
    const add = startCli(['mcp', 'add', '--scope', 'project', 'mine', 'http://127.0.0.1:9/mcp'], { cwd: dir, env: { HOME: home } });
    expect(await add.exited).toBe(0);
    const after = startCli(['mcp', 'list', '--timeout', '0.5'], { cwd: dir, env: { HOME: home } });
    expect(await after.exited).toBe(0);
    expect(after.stdout()).toMatch(/^sneaky\s+.*not started/m);
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
  });

  it('the one-server shortcut takes one URL: a second --server and a comma list are errors, not a silent choice', async () => {
    const twice = await warden(['-p', 'reverse abc', '--server', 'http://127.0.0.1:1/mcp', '--server', 'http://127.0.0.1:2/mcp']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('warden: --server takes one URL; for several servers use --mcp-config FILE or `warden mcp add NAME URL` (see warden --help)\n');
    const comma = await warden(['-p', 'reverse abc'], { MCP_SERVER_URL: 'http://127.0.0.1:1/mcp,http://127.0.0.1:2/mcp' });
    expect(comma.code).toBe(2);
    expect(comma.stderr).toMatch(/^warden: invalid MCP_SERVER_URL: it holds one URL; for several servers list them in ~\/\.config\/warden\/mcp\.json or \.mcp\.json/);
  });
});

describe('warden mcp with the habits of Claude Code users', () => {
  /** `warden ARGS…` in a directory and HOME of this describe's own. */
  async function claudeStyle(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const cli = startCli(args, { cwd: dir, env: { HOME: join(dir, 'home') } });
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }
  const userServers = async (dir: string): Promise<Record<string, Record<string, unknown>>> =>
    (JSON.parse(await readFile(join(dir, 'home', '.config', 'warden', 'mcp.json'), 'utf8')) as { mcpServers: Record<string, Record<string, unknown>> }).mcpServers;

  it('-s local, -t, -H, -e, a command without --, add-json; what cannot work is refused, relative paths made to work anywhere', async () => {
    const dir = await mkdtemp(join(root, 'claude-habits-'));
    await writeFile(join(dir, 'server.js'), '');
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'tool'), '');

    const remote = await claudeStyle(dir, ['mcp', 'add', '-s', 'local', '-t', 'http', '-H', 'X-Key: v', 'remote', 'http://127.0.0.1:9/mcp']);
    expect(remote.code).toBe(0);
    expect(remote.stderr).toBe('warden: -s local is stored in your user file: Warden has no per-directory private scope\n');
    // Everything after the command is the command's, its own flags included.
    const lint = await claudeStyle(dir, ['mcp', 'add', '-e', 'K=1', 'lint', 'node', 'server.js', '--stdio', '-v']);
    expect(lint.code).toBe(0);
    expect(lint.stderr).toContain(`stored with "cwd": ${dir}`);
    const tool = await claudeStyle(dir, ['mcp', 'add', 'tool', '--', './bin/tool', '-x']);
    expect(tool).toMatchObject({ code: 0, stderr: `warden: the command ./bin/tool is stored as ${join(dir, 'bin', 'tool')}\n` });
    const json = await claudeStyle(dir, ['mcp', 'add-json', 'j', '{"type":"sse","url":"http://127.0.0.1:9/sse"}']);
    expect(json.code).toBe(0);
    expect(await userServers(dir)).toEqual({
      remote: { type: 'http', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Key': 'v' } },
      lint: { type: 'stdio', command: 'node', args: ['server.js', '--stdio', '-v'], env: { K: '1' }, cwd: dir },
      tool: { type: 'stdio', command: join(dir, 'bin', 'tool'), args: ['-x'] },
      j: { type: 'sse', url: 'http://127.0.0.1:9/sse' },
    });

    const stdioUrl = await claudeStyle(dir, ['mcp', 'add', '-t', 'stdio', 'bad', 'https://example.com/mcp']);
    expect(stdioUrl.code).toBe(2);
    expect(stdioUrl.stderr).toMatch(/^warden mcp add: --transport stdio starts a program, but https:\/\/example\.com\/mcp is a URL: .*\(see warden mcp add --help\)\n$/);
    const badJson = await claudeStyle(dir, ['mcp', 'add-json', 'k', '{nope']);
    expect(badJson).toMatchObject({ code: 2, stderr: expect.stringMatching(/^warden mcp add-json: the server JSON does not parse/) });
  });

  it('every subcommand answers --help; a wrong name or option is one line naming it, the closest name and the help', async () => {
    const dir = await mkdtemp(join(root, 'claude-help-'));
    for (const sub of ['add', 'add-json', 'list', 'get', 'remove']) {
      const help = await claudeStyle(dir, ['mcp', sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toMatch(/^Usage:/);
    }
    expect(await claudeStyle(dir, ['mcp', 'list', '--frobnicate'])).toMatchObject({
      code: 2,
      stderr: 'warden mcp list: unknown option --frobnicate (see warden mcp list --help)\n',
    });
    expect(await claudeStyle(dir, ['mcp', 'add', '--scop', 'user', 'x', 'http://h/mcp'])).toMatchObject({
      code: 2,
      stderr: 'warden mcp add: unknown option --scop — did you mean --scope? (see warden mcp add --help)\n',
    });
    expect(await claudeStyle(dir, ['mcp', 'lst'])).toMatchObject({ code: 2, stderr: 'warden mcp: unknown subcommand "lst" — did you mean list? (see warden mcp --help)\n' });
    expect((await claudeStyle(dir, ['mcp', 'add', 'local', 'http://127.0.0.1:9/mcp'])).code).toBe(0);
    expect(await claudeStyle(dir, ['mcp', 'get', 'lcoal'])).toMatchObject({ code: 1, stderr: 'warden: no MCP server named "lcoal" — did you mean local? (see warden mcp list)\n' });
  });

  it('mcp list --timeout is in seconds and says so; two node servers are told apart by their first arguments', async () => {
    const dir = await mkdtemp(join(root, 'claude-list-'));
    // A server that accepts the connection and never answers.
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      expect((await claudeStyle(dir, ['mcp', 'add', 'mute', `http://127.0.0.1:${port}/mcp`])).code).toBe(0);
      expect((await claudeStyle(dir, ['mcp', 'add', 'one', '--', process.execPath, ENV_SERVER, '--name', 'one'])).code).toBe(0);
      expect((await claudeStyle(dir, ['mcp', 'add', 'two', '--', process.execPath, join(dir, 'other.mjs')])).code).toBe(0);
      // Issue 24 §2: a server that logs to stdout is reported as doing that, not as silent.
      expect((await claudeStyle(dir, ['mcp', 'add', 'chatty', '--', process.execPath, STDOUT_LOG_SERVER])).code).toBe(0);
      const list = await claudeStyle(dir, ['mcp', 'list', '--timeout', '1']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^mute .*✗ no answer within 1 s$/m);
      expect(list.stdout).toMatch(
        /^chatty .*✗ \S*node writes text that is not MCP on stdout \("Server started on stdio! Listening for requests\.\.\."\): a stdio server must write only MCP messages there \(logs go to stderr\)$/m,
      );
      expect(list.stdout).toMatch(/^one +user +stdio +node …\/stdio\/env-server\.mjs --name one /m);
      expect(list.stdout).toMatch(/^two +user +stdio +node …\/claude-list-\w+\/other\.mjs /m);
    } finally {
      silent.close();
    }
  });
});
