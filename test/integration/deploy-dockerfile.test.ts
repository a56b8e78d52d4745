import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../mcp-server/config.js';
import { copyPaths, parseDockerfile, type Stage } from '../helpers/dockerfile.js';
import { API_APP_ID, TENANT_ID } from '../helpers/token-minter.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const runtime = stages.at(-1) as Stage;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const lastArgs = (stage: Stage, keyword: string) => all(stage, keyword).at(-1)?.args ?? '';
const stageNamed = (name: string | undefined) => stages.find((s) => s.name === name);
const command = JSON.parse(lastArgs(runtime, 'CMD')) as string[];

/** Whether `.dockerignore` keeps a path out of the build context (plain names and prefixes are all it uses). */
function ignored(path: string): boolean {
  let excluded = false;
  for (const pattern of dockerignore) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(`^${body.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`);
    if (regex.test(path)) excluded = !negated;
  }
  return excluded;
}

describe('Dockerfile (checked statically; Docker need not be installed)', () => {
  it('has a build stage with dev dependencies, a production-dependencies stage and a separate runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.every((s) => /^node:20[.\w-]*$/.test(s.image))).toBe(true);
    const build = stageNamed('build') as Stage;
    expect(lastArgs(build, 'RUN')).toBe('npm run build');
    expect(all(build, 'RUN').some((r) => r.args.startsWith('npm ci') && !r.args.includes('--omit=dev'))).toBe(true);
    const modules = all(runtime, 'COPY').find((c) => copyPaths(c).dest === 'node_modules');
    const depsStage = stageNamed(modules?.flags.from) as Stage;
    expect(all(depsStage, 'RUN').some((r) => /npm ci --omit=dev/.test(r.args))).toBe(true);
    expect(all(runtime, 'RUN')).toEqual([]);
  });

  it('runs as an unprivileged user', () => {
    const user = lastArgs(runtime, 'USER');
    expect(user).not.toBe('');
    expect(['root', '0', '0:0']).not.toContain(user);
    const userAt = runtime.instructions.findIndex((i) => i.keyword === 'USER');
    expect(userAt).toBeLessThan(runtime.instructions.findIndex((i) => i.keyword === 'CMD'));
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    for (const stage of stages) {
      for (const copy of all(stage, 'COPY').filter((c) => c.flags.from === undefined)) {
        for (const source of copyPaths(copy).sources) {
          expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
          expect(ignored(normalize(source)), `${source} is not ignored`).toBe(false);
        }
      }
    }
    expect(['.env', 'node_modules', 'dist', '.git'].every(ignored)).toBe(true);
    expect(ignored('.env.example')).toBe(false);
  });

  it('builds everything tsconfig.build.json compiles, and copies from earlier stages only', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    const copied = all(stageNamed('build') as Stage, 'COPY').flatMap((c) => copyPaths(c).sources);
    expect(copied).toEqual(expect.arrayContaining([...tsconfig.include, 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']));
    // The image holds what the server runs: benchmarks and tests are neither compiled nor copied.
    expect(tsconfig.include.filter((dir) => ['bench', 'test'].includes(dir))).toEqual([]);
    expect(copied.filter((source) => /^(bench|test)\b/.test(source))).toEqual([]);
    for (const [index, stage] of stages.entries()) {
      for (const copy of all(stage, 'COPY').filter((c) => c.flags.from !== undefined)) {
        expect(stages.slice(0, index).map((s) => s.name)).toContain(copy.flags.from);
      }
    }
  });

  it('starts a file the build produces (dist/agent/cli.js from agent/cli.ts), copied into the runtime image', () => {
    expect(command.slice(0, 3)).toEqual(['node', 'dist/agent/cli.js', 'serve']);
    expect(existsSync(join(ROOT, 'agent/cli.ts'))).toBe(true);
    // `npm test` builds first, so the compiled file is here exactly as the build stage makes it.
    expect(existsSync(join(ROOT, 'dist/agent/cli.js'))).toBe(true);
    const fromBuild = all(runtime, 'COPY')
      .filter((c) => c.flags.from === 'build')
      .map((c) => copyPaths(c).dest);
    expect(fromBuild).toContain('dist/agent');
    // Everything the server imports at runtime is compiled into dist/ directories the runtime copies.
    expect(fromBuild).toEqual(expect.arrayContaining(['dist/mcp-server', 'dist/auth', 'dist/config']));
  });

  it('listens on all interfaces at the port it exposes and health-checks /healthz', () => {
    expect(command).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
    expect(command).not.toContain('--no-auth');
    const port = lastArgs(runtime, 'EXPOSE');
    expect(
      all(runtime, 'ENV')
        .map((e) => e.args)
        .join(' '),
    ).toContain(`MCP_PORT=${port}`);
    expect(lastArgs(runtime, 'HEALTHCHECK')).toMatch(/CMD .*\/healthz/);
    // The command is a configuration the server accepts once the Entra variables are set.
    const config = loadServerConfig({ ENTRA_TENANT_ID: TENANT_ID, ENTRA_API_AUDIENCE: API_APP_ID, MCP_PORT: port }, { host: '0.0.0.0' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: Number(port) });
  });
});

/**
 * A container engine that can build here: Docker with a running daemon, or daemonless Podman (same
 * CLI). Either needs to pull the node base image; where no registry is reachable, installing one
 * does not help (tried: Debian's podman 4.3 installs, then cannot reach registry-1.docker.io).
 */
function containerEngine(): 'docker' | 'podman' | undefined {
  for (const engine of ['docker', 'podman'] as const) {
    if (spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0) return engine;
  }
  return undefined;
}
const engine = containerEngine();
if (!engine) {
  // Said in the output, not only as a skipped count: the checks above are all that ran.
  console.warn('deploy-dockerfile: the server image was NOT built or run: no Docker daemon and no Podman on this machine; only the static Dockerfile checks ran.');
}

describe.skipIf(!engine)(`Dockerfile built with ${engine ?? 'a container engine (none here: the image was NOT built)'}`, () => {
  const cli = engine ?? 'docker';
  it('builds, and the image runs the CLI as a non-root user', { timeout: 600_000 }, () => {
    const tag = `warden-mcp-test:${process.pid}`;
    const build = spawnSync(cli, ['build', '--quiet', '-t', tag, ROOT], { encoding: 'utf8', timeout: 590_000 });
    expect(build.status, build.stderr).toBe(0);
    try {
      const help = spawnSync(cli, ['run', '--rm', tag, 'node', 'dist/agent/cli.js', 'serve', '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: warden serve');
      const uid = spawnSync(cli, ['run', '--rm', tag, 'id', '-u'], { encoding: 'utf8', timeout: 60_000 });
      expect(uid.stdout.trim()).not.toBe('0');
      // Nothing from the benchmarks or tests travels in the server image.
      const listing = spawnSync(cli, ['run', '--rm', tag, 'ls', 'dist'], { encoding: 'utf8', timeout: 60_000 });
      expect(listing.stdout.split(/\s+/).filter(Boolean).sort()).toEqual(['agent', 'auth', 'config', 'mcp-server']);
    } finally {
      spawnSync(cli, ['rmi', '-f', tag], { stdio: 'ignore', timeout: 60_000 });
    }
  });
});
