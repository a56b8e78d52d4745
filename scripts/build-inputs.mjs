// What a build is made from, as one digest: every file under the compiled folders, the build
// configs, the lockfile and the patches (path, size, modification time). The bundler records it in
// dist/.build-inputs after each build; build-if-changed.mjs builds only when it differs.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['agent', 'auth', 'config', 'mcp-server', 'patches'];
const FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.mjs'];
export const STAMP = 'dist/.build-inputs';

/** The digest of the inputs under `root`. */
export function inputsDigest(root = '.') {
  const lines = [];
  const visit = (path) => {
    const full = join(root, path);
    if (!existsSync(full)) return;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort()) if (name !== 'node_modules') visit(join(path, name));
    } else lines.push(`${path} ${stat.size} ${Math.trunc(stat.mtimeMs)}`);
  };
  for (const path of [...SOURCES, ...FILES]) visit(path);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Whether the last build under `root` was made from these inputs. */
export function builtFrom(digest, root = '.') {
  const stamp = join(root, STAMP);
  return existsSync(join(root, 'dist/bundle/cli.js')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest;
}

export function recordBuild(digest, root = '.') {
  writeFileSync(join(root, STAMP), digest);
}
