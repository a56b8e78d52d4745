import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ensureVenv } from '../../bench/support/python-venv.js';
import { freePort } from './free-port.js';

/**
 * MCP servers written in Python, as their users write them: FastMCP 4 and the official Python SDK
 * 2.x, from a virtualenv the tests make themselves (pip reaches only the package mirror here).
 * The venv lives under node_modules/.cache, so it is made once per checkout (about half a minute)
 * and reused by later runs; `npm ci` starts it afresh. Versions are pinned: the behaviour tested
 * (their refusal to ask on a 2026-07-28 connection) is theirs.
 */

export const PYTHON_PACKAGES = ['fastmcp==4.0.10', 'mcp==2.3.0'];
const VENV_DIR = fileURLToPath(new URL('../../node_modules/.cache/warden-python-peers', import.meta.url));

export const FASTMCP_SERVER = fileURLToPath(new URL('../fixtures/python/fastmcp_server.py', import.meta.url));
export const PYTHON_SDK_SERVER = fileURLToPath(new URL('../fixtures/python/sdk_server.py', import.meta.url));

export type PythonPeers = { ok: true; python: string } | { ok: false; reason: string };

let made: Promise<PythonPeers> | undefined;

/** The venv's python, made on first use; `ok: false` with the reason when pip cannot install them here. */
export function pythonPeers(): Promise<PythonPeers> {
  made ??= ensureVenv(VENV_DIR, PYTHON_PACKAGES, 'fastmcp').then((outcome) => (outcome.ok ? { ok: true, python: outcome.python } : { ok: false, reason: outcome.reason }));
  return made;
}

export interface PythonHttpServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `script` over Streamable HTTP on a free loopback port; resolves once it says it listens (uvicorn's line). */
export async function startPythonHttp(python: string, script: string): Promise<PythonHttpServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(python, [script, 'http', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      if (/Uvicorn running on/.test(log)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it listened:\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
