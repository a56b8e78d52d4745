import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm start` builds only when the sources changed (scripts/build-if-changed.mjs), and says so when
 * it does. Run against a small project of its own whose "build" counts how often it ran.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-start-build-'));
  mkdirSync(join(dir, 'scripts'));
  for (const file of ['build-if-changed.mjs', 'build-inputs.mjs']) copyFileSync(join(ROOT, 'scripts', file), join(dir, 'scripts', file));
  mkdirSync(join(dir, 'agent'));
  writeFileSync(join(dir, 'agent', 'cli.ts'), 'export {};\n');
  // The build: writes the bundle and counts itself.
  writeFileSync(
    join(dir, 'make.mjs'),
    "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';\nmkdirSync('dist/bundle', { recursive: true });\nwriteFileSync('dist/bundle/cli.js', '');\nappendFileSync('builds', 'x');\n",
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { build: 'node make.mjs' } }));
  return dir;
}

async function start(dir: string, ...args: string[]): Promise<{ stderr: string; builds: number }> {
  const { stderr } = await run(process.execPath, ['scripts/build-if-changed.mjs', ...args], { cwd: dir });
  let builds = 0;
  try {
    builds = readFileSync(join(dir, 'builds'), 'utf8').length;
  } catch {}
  return { stderr, builds };
}

describe('npm start builds only what changed', () => {
  it('builds the first time and after a change, saying so; skips silently otherwise', async () => {
    const dir = project();
    expect(await start(dir)).toEqual({ stderr: 'warden: not built yet: building (a few seconds)…\n', builds: 1 });
    expect(await start(dir)).toEqual({ stderr: '', builds: 1 });
    // An edit (a new modification time) builds again, once.
    const later = new Date(Date.now() + 5_000);
    writeFileSync(join(dir, 'agent', 'cli.ts'), 'export const changed = 1;\n');
    utimesSync(join(dir, 'agent', 'cli.ts'), later, later);
    expect(await start(dir)).toEqual({ stderr: 'warden: the sources changed since the last build: building (a few seconds)…\n', builds: 2 });
    expect(await start(dir)).toEqual({ stderr: '', builds: 2 });
    // A new file counts too; --force builds regardless.
    writeFileSync(join(dir, 'agent', 'new.ts'), 'export {};\n');
    expect((await start(dir)).builds).toBe(3);
    expect((await start(dir, '--force')).builds).toBe(4);
  });

  it('is what npm start, npm run server and npm run dev-idp run, and a real build records its inputs', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'server', 'dev-idp']) expect(scripts[name]).toMatch(/^node scripts\/build-if-changed\.mjs && node dist\/bundle\/cli\.js /);
    expect(readFileSync(join(ROOT, 'scripts', 'bundle.mjs'), 'utf8')).toContain('recordBuild(digest)');
  });
});
