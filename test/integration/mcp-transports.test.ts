import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StdioServerConfig } from '../../agent/core/host/server-config.js';
import { createTransport, type StdioExit } from '../../agent/core/mcp/transports.js';
import { startTestServer } from '../helpers/server-harness.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/stdio/${name}`, import.meta.url));
const EVERYTHING = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));

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

async function connect(transport: Awaited<ReturnType<typeof createTransport>>): Promise<Client> {
  const client = new Client({ name: 'warden-test', version: '0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(transport);
  return client;
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
    const transport = await createTransport(stdio('envy', [fixture('env-server.mjs')], { MY_SETTING: 'on' }), {
      env: { PATH: process.env.PATH, HOME: '/home/someone', LANG: 'C.UTF-8', ANTHROPIC_API_KEY: 'sk-ant-never', GITHUB_TOKEN: 'ghp-never' },
      logDir,
      onExit: ended.push,
    });
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
    expect(await readFile(join(logDir, 'envy.log'), 'utf8')).toMatch(/env-server ready in /);
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
  it('Streamable HTTP sends the configured headers on every request', async () => {
    const { server } = await startTestServer({}, { noAuth: true });
    const seen: (string | null)[] = [];
    // The fetch the transport calls: what it gets is what goes on the wire.
    const recording: typeof fetch = (input, init) => {
      seen.push(new Headers(init?.headers).get('x-api-key'));
      return fetch(input, init);
    };
    try {
      const transport = await createTransport(
        { name: 'h', source: { kind: 'user', file: 'f' }, type: 'http', url: server.url, headers: { 'X-Api-Key': 'k-42' } },
        { logDir, fetch: recording },
      );
      const client = await connect(transport);
      await client.listTools();
      await client.close();
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((v) => v === 'k-42')).toBe(true);
    } finally {
      await server.close();
    }
  });
});
