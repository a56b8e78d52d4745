import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StdioServerConfig } from '../../agent/core/host/server-config.js';
import { createTransport, type StdioExit } from '../../agent/core/mcp/transports.js';
import { WARDEN_VERSION } from '../../config/version.js';
import { startTestServer } from '../helpers/server-harness.js';
import { EVERYTHING } from '../helpers/server-everything.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/stdio/${name}`, import.meta.url));

let logDir: string;
beforeEach(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'warden-transports-'));
});
afterEach(async () => {
  await rm(logDir, { recursive: true, force: true });
});

function stdio(name: string, args: string[], env: Record<string, string> = {}): StdioServerConfig {
  return { name, source: { kind: 'user', file: 'mcp.json' }, type: 'stdio', command: process.execPath, args, env };
}

/** The exits a transport reports, awaited in order. */
class Exits {
  private list: StdioExit[] = [];
  private wake: (() => void) | undefined;
  readonly push = (exit: StdioExit): void => {
    this.list.push(exit);
    this.wake?.();
  };
  async next(): Promise<StdioExit> {
    while (this.list.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.list.shift()!;
  }
}

type Opened = Awaited<ReturnType<typeof createTransport>>;

/** A client on the transport; closing it says first that Warden closes it (as McpSession does). */
async function connect(opened: Opened): Promise<Client> {
  const client = new Client({ name: 'warden-test', version: '0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(opened.transport);
  const close = client.close.bind(client);
  return Object.assign(client, {
    close: async () => {
      opened.willClose?.();
      await close();
    },
  });
}

/** Whether `pid` runs (a zombie waiting for a reaper does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

/** The process group of `pid` (from /proc; this test runs where that exists). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** A process of another parent gives no exit event: look until it is gone (SIGKILL lands within milliseconds). */
async function gone(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setImmediate(r))) {
    if (!alive(pid)) return true;
  }
  return false;
}

describe('stdio transport', () => {
  it('the child gets a safe base plus only its configured env; stderr goes to its log; close ends its process group', async () => {
    const ended = new Exits();
    const transport = await createTransport(
      { ...stdio('envy', [fixture('env-server.mjs')], { MY_SETTING: 'on' }), cwd: logDir },
      {
        env: { PATH: process.env.PATH, HOME: '/home/someone', LANG: 'C.UTF-8', ANTHROPIC_API_KEY: 'sk-ant-never', GITHUB_TOKEN: 'ghp-never' },
        logDir,
        onExit: ended.push,
      },
    );
    const client = await connect(transport);
    const envResult = await client.callTool({ name: 'env', arguments: {} });
    const childEnv = JSON.parse((envResult.content as { text: string }[])[0]!.text) as Record<string, string>;
    expect(childEnv.MY_SETTING).toBe('on');
    expect(childEnv.LANG).toBe('C.UTF-8');
    expect(childEnv).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(childEnv).not.toHaveProperty('GITHUB_TOKEN');
    expect(Object.keys(childEnv).every((k) => ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'MY_SETTING'].includes(k))).toBe(true);

    const pids = JSON.parse(((await client.callTool({ name: 'pid', arguments: {} })).content as { text: string }[])[0]!.text) as { pid: number; grandchild: number };
    expect(alive(pids.grandchild)).toBe(true);
    await client.close();
    const exit = await ended.next();
    expect(exit).toMatchObject({ server: 'envy', expected: true });
    expect(await gone(pids.pid)).toBe(true);
    expect(await gone(pids.grandchild)).toBe(true);
    expect(await readFile(join(logDir, 'envy.log'), 'utf8')).toContain(`env-server ready in ${logDir}\n`);
  });

  it("Ctrl-C in Warden's terminal (SIGINT to its process group) does not stop a stdio server", async () => {
    const ended = new Exits();
    const transport = await createTransport(stdio('steady', [fixture('env-server.mjs')]), { env: process.env, logDir, onExit: ended.push });
    const client = await connect(transport);
    const { pid, grandchild } = JSON.parse(((await client.callTool({ name: 'pid', arguments: {} })).content as { text: string }[])[0]!.text) as {
      pid: number;
      grandchild: number;
    };
    // What the terminal does on Ctrl-C: SIGINT to every process in Warden's group — the launcher is one of them…
    process.kill((transport.transport as unknown as { pid: number }).pid, 'SIGINT');
    // …the server is not: it leads a group of its own.
    expect(processGroup(pid)).toBe(pid);
    expect(processGroup(pid)).not.toBe(processGroup(process.pid));
    const again = await client.callTool({ name: 'pid', arguments: {} });
    expect(again.isError).toBeFalsy();
    // The launcher is still there to end the group when Warden closes it.
    await client.close();
    expect(await ended.next()).toMatchObject({ expected: true });
    expect(await gone(grandchild)).toBe(true);
  });

  it('a crash is reported with its exit code and last stderr line, made terminal-safe', async () => {
    const ended = new Exits();
    const transport = await createTransport(stdio('crashy', [fixture('crash-server.mjs')]), {
      env: process.env,
      logDir,
      onExit: ended.push,
    });
    await expect(connect(transport)).rejects.toThrow();
    const exit = await ended.next();
    expect(exit).toMatchObject({ server: 'crashy', code: 3, expected: false, reason: 'exited with code 3: fatal: missing API key' });
    expect(exit.reason).not.toMatch(/[\u0000-\u001f]/);
    expect(await readFile(exit.logFile, 'utf8')).toMatch(/loading configuration/);
  });

  it('a command that does not exist is named', async () => {
    const ended = new Exits();
    const config: StdioServerConfig = { ...stdio('ghost', []), command: 'warden-no-such-command' };
    const transport = await createTransport(config, { env: process.env, logDir, onExit: ended.push });
    await expect(connect(transport)).rejects.toThrow();
    expect((await ended.next()).reason).toBe('command not found: warden-no-such-command');
  });

  it('the reference server-everything lists its tools over stdio', async () => {
    const transport = await createTransport(stdio('everything', [EVERYTHING, 'stdio']), { env: process.env, logDir });
    const client = await connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    await client.close();
  });
});

describe('HTTP transports', () => {
  it('Streamable HTTP sends the configured headers and User-Agent: warden/VERSION on every request', async () => {
    const { server } = await startTestServer({}, { noAuth: true });
    const seen: (string | null)[] = [];
    const agents: (string | null)[] = [];
    // The fetch the transport calls: what it gets is what goes on the wire.
    const recording: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('x-api-key'));
      agents.push(new Headers(init?.headers).get('user-agent'));
      return fetch(input, init);
    };
    try {
      const transport = await createTransport(
        { name: 'h', source: { kind: 'user', file: 'f' }, type: 'http', url: server.url, headers: { 'X-Api-Key': 'k-42' } },
        { env: {}, logDir, fetch: recording },
      );
      const client = await connect(transport);
      await client.listTools();
      await client.close();
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((v) => v === 'k-42')).toBe(true);
      expect(agents.every((v) => v === `warden/${WARDEN_VERSION}`)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('legacy HTTP+SSE transport', () => {
  it('connects to an old SSE server (v1 SDK) and sends the configured headers on the stream and on every POST', async () => {
    const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
    const { SSEServerTransport } = await import('@modelcontextprotocol/sdk/server/sse.js');
    const seen: { method: string; key: string | undefined; agent: string | undefined }[] = [];
    const sessions = new Map<string, InstanceType<typeof SSEServerTransport>>();
    const http = createServer(async (req, res) => {
      seen.push({ method: req.method ?? '', key: req.headers['x-api-key'] as string | undefined, agent: req.headers['user-agent'] });
      if (req.method === 'GET' && req.url === '/sse') {
        const transport = new SSEServerTransport('/messages', res);
        sessions.set(transport.sessionId, transport);
        const server = new McpServer({ name: 'old-sse', version: '1.0.0' });
        server.registerTool('ping', { description: 'answers pong' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
        await server.connect(transport);
        return;
      }
      const session = sessions.get(new URL(req.url ?? '/', 'http://x').searchParams.get('sessionId') ?? '');
      if (req.method === 'POST' && session) return session.handlePostMessage(req, res);
      res.writeHead(404).end();
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const port = (http.address() as { port: number }).port;
    try {
      const transport = await createTransport(
        { name: 'old', source: { kind: 'user', file: 'f' }, type: 'sse', url: `http://127.0.0.1:${port}/sse`, headers: { 'X-Api-Key': 'k-sse' } },
        { env: {}, logDir },
      );
      const client = await connect(transport);
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['ping']);
      await client.close();
      expect(seen.some((r) => r.method === 'GET')).toBe(true);
      expect(seen.filter((r) => r.method === 'POST').length).toBeGreaterThan(0);
      expect(seen.every((r) => r.key === 'k-sse')).toBe(true);
      expect(seen.every((r) => r.agent === `warden/${WARDEN_VERSION}`)).toBe(true);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });
});

it('a server that floods stderr keeps its log bounded: past the cap it rotates into NAME.log.1, the latest lines kept', async () => {
  const cap = 256 * 1024;
  const ended = new Exits();
  const opened = await createTransport(stdio('chatty', [fixture('stderr-flood-server.mjs')]), { env: process.env, logDir, maxLogBytes: cap, onExit: ended.push });
  const client = await connect(opened);
  // Twelve times the cap goes through one server process (the answer comes once all is written).
  const flooded = await client.callTool({ name: 'flood', arguments: { bytes: 12 * cap } });
  expect(flooded.isError).toBeFalsy();
  await client.close();
  // Its exit is reported once all its stderr is in the log.
  expect(await ended.next()).toMatchObject({ server: 'chatty', expected: true });
  const sizes = await Promise.all(['chatty.log', 'chatty.log.1'].map(async (f) => (await stat(join(logDir, f))).size));
  for (const size of sizes) expect(size).toBeLessThanOrEqual(cap);
  expect(sizes[0]! + sizes[1]!).toBeGreaterThan(cap);
  expect((await readFile(join(logDir, 'chatty.log'), 'utf8')).endsWith(`${'x'.repeat(1023)}\n`)).toBe(true);
});

describe('stdio servers end with Warden', () => {
  const TRANSPORTS = fileURLToPath(new URL('../../dist/agent/core/mcp/transports.js', import.meta.url));
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));

  /** A separate process (the built transports, as Warden runs them) that starts env-server and prints its pids. */
  function host(ending: 'exit' | 'wait'): { child: ChildProcess; pids: Promise<{ pid: number; grandchild: number }> } {
    const script = `
      const { createTransport } = await import(${JSON.stringify(TRANSPORTS)});
      const { Client } = await import('@modelcontextprotocol/client');
      const config = { name: 'envy', source: { kind: 'user', file: 'f' }, type: 'stdio', command: process.execPath, args: [${JSON.stringify(fixture('env-server.mjs'))}], env: {} };
      const client = new Client({ name: 't', version: '0' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect((await createTransport(config, { env: process.env, logDir: ${JSON.stringify(logDir)} })).transport);
      const result = await client.callTool({ name: 'pid', arguments: {} });
      process.stdout.write(result.content[0].text + '\\n');
      ${ending === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 1000);'}
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = new Promise<{ pid: number; grandchild: number }>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out) as { pid: number; grandchild: number });
      });
      child.once('exit', () => reject(new Error(`host exited before printing pids: ${out}`)));
    });
    return { child, pids };
  }

  it('when Warden exits without closing, the server and its children are ended', async () => {
    const { child, pids } = host('exit');
    const { pid, grandchild } = await pids;
    await once(child, 'exit');
    expect(await gone(pid)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
  });

  it('when Warden is killed outright (no exit handler runs), the launcher notices and ends the group', async () => {
    const { child, pids } = host('wait');
    const { pid, grandchild } = await pids;
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await gone(pid)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
  });
});
