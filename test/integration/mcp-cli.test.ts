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

    const list = await warden(['mcp', 'list']);
    expect(list.code).toBe(0);
    const rows = Object.fromEntries(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split(/\s+/)[0], line]),
    );
    expect(rows.envy).toMatch(/^envy\s+user\s+stdio\s+\S+\s+✓ connected · 2 tools$/);
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
    const after = startCli(['mcp', 'list', '--timeout', '500'], { cwd: dir, env: { HOME: home } });
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
