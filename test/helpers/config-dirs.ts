import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userServerFile } from '../../agent/core/host/paths.js';

/**
 * Scratch directories for the host's configuration files: a home (the user's file lives under it)
 * and a project directory (its `.mcp.json`), both under one root a test removes when done.
 */
export async function scratchHomeAndProject(prefix: string): Promise<{ root: string; home: string; cwd: string }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  return { root, home: join(root, 'home'), cwd };
}

/** Writes the user's mcpServers file under `home`: `value` as JSON, or as given when it is a string (for malformed files). */
export async function writeUserServers(home: string, value: unknown): Promise<string> {
  const file = userServerFile(home);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Writes the project's `.mcp.json` in `cwd`. */
export async function writeProjectServers(cwd: string, value: unknown): Promise<string> {
  const file = join(cwd, '.mcp.json');
  await writeFile(file, JSON.stringify(value));
  return file;
}
