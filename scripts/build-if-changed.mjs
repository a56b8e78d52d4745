// Builds only when the sources changed since the last build (scripts/build-inputs.mjs), so
// `npm start`, `npm run server` and `npm run dev-idp` reach their first frame in about a second
// instead of after a rebuild of several seconds. Says so when it builds; `--force` builds anyway.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtFrom, inputsDigest, recordBuild } from './build-inputs.mjs';

const digest = inputsDigest();
if (builtFrom(digest) && !process.argv.includes('--force')) process.exit(0);

const why = existsSync('dist/bundle/cli.js') ? 'the sources changed since the last build' : 'not built yet';
process.stderr.write(`warden: ${why}: building (a few seconds)…\n`);
try {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build'], { stdio: 'inherit' });
} catch {
  process.exit(1);
}
recordBuild(digest);
