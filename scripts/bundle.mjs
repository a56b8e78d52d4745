// Bundles the compiled CLI (dist/agent/cli.js) into a few ESM chunks in dist/bundle/.
// Why: Node pays per module file, and Ink alone loads ~500 of them; bundled, the chat's first
// frame comes about twice as fast (`npm run bench -- --only startup`). Code splitting keeps the
// lazy imports lazy: print mode never loads Ink, the TUI never loads the server.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { inputsDigest, recordBuild } from './build-inputs.mjs';

// Yoga (Ink's layout engine) ships its WebAssembly as a data: URL and, finding a global fetch,
// fetches it: on Node 20 the first call to fetch loads Node's whole internal undici, ~20 ms before
// the chat's first frame. Without a fetch in its module scope it decodes the same bytes directly.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => ({
      contents: `const fetch = undefined;\n${await readFile(args.path, 'utf8')}`,
      loader: 'js',
    }));
  },
};

// What this build is made from, taken before it starts (an edit made meanwhile builds again next time).
const digest = inputsDigest();

// Chunk names carry content hashes: clear old ones so dist/bundle holds exactly one build.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'dist/agent/cli.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Ink imports it only when DEV=true (React DevTools), which a user opts into. The keyring
  // binding loads its platform's prebuilt .node file at run time: it stays a package.
  external: ['react-devtools-core', '@napi-rs/keyring'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __wardenCreateRequire } from 'node:module'; const require = __wardenCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  sourcemap: true,
  plugins: [yogaWithoutFetch],
});

// The stdio launcher is a program of its own (`node stdio-launcher.js -- COMMAND…`) started once per
// stdio server, found beside the chunks: one small file with nothing shared, so it starts fast.
await build({
  entryPoints: { 'stdio-launcher': 'dist/agent/core/mcp/stdio/stdio-launcher.js' },
  outdir: 'dist/bundle',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

recordBuild(digest);
