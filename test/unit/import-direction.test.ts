import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers' import rules, read from the import statements themselves (docs/architecture.md
 * draws them): each part imports only the parts under it, nothing imports bench/ or test/, and
 * no production module is part of an import cycle (type-only imports included).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  config: [],
  'auth/verify': ['config'],
  'auth/store': ['config'],
  'auth/login': ['config', 'auth/store'],
  'auth/dev-idp': ['config'],
  'auth/oauth': ['config', 'auth/login', 'auth/store'],
  'mcp-server': ['config', 'auth/verify'],
  'agent/core': ['config', 'auth/login', 'auth/oauth', 'auth/store'],
  'agent/ui': ['config', 'auth/login', 'agent/core'],
  'agent/cli': ['config', 'auth/login', 'auth/oauth', 'auth/store', 'auth/dev-idp', 'mcp-server', 'agent/core', 'agent/ui'],
};

function layerOf(file: string): string {
  if (file.startsWith('agent/ui/')) return 'agent/ui';
  // The agent's settings (agent/config.ts) are the engine's input: they sit with the engine.
  if (file.startsWith('agent/core/') || file === 'agent/config') return 'agent/core';
  // The entry point, its subcommands and the demo stack they start.
  if (file.startsWith('agent/')) return 'agent/cli';
  if (file.startsWith('auth/')) return file.split('/').slice(0, 2).join('/');
  return file.split('/')[0]!;
}

/** Tests and test-only helpers may use test/helpers; nothing in a shipped layer may. Paths are without extension. */
const isTestCode = (file: string): boolean => /\.test$/.test(file) || file.startsWith('agent/ui/testing/');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

/**
 * Relative static imports/exports (type-only ones too: a type cycle is a tangle of ideas even
 * though the compiler erases it) and dynamic import() calls, resolved to repository paths
 * without extension.
 */
export function importsOf(file: string, text: string): string[] {
  const found = [
    ...Array.from(text.matchAll(/^(?:import|export)(?:\s+type)?\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm), (m) => m[1]!),
    ...Array.from(text.matchAll(/^import\s+['"]([^'"]+)['"]/gm), (m) => m[1]!),
    ...Array.from(text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g), (m) => m[1]!),
  ];
  return found.filter((specifier) => specifier.startsWith('.')).map((specifier) => relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.jsx?$/, ''));
}

const files = ['config', 'auth', 'mcp-server', 'agent'].flatMap(sources);
const graph = new Map(files.map((file) => [file.replace(/\.tsx?$/, ''), importsOf(file, readFileSync(join(ROOT, file), 'utf8'))]));
const targets = (file: string): string[] => graph.get(file) ?? [];

describe('import direction between the parts', () => {
  it('finds the imports it checks (the reader works)', () => {
    expect(targets('agent/ui/run')).toEqual(expect.arrayContaining(['agent/ui/App', 'agent/core/engine-types']));
    expect(targets('agent/core/engine').length).toBeGreaterThan(5);
    expect(targets('mcp-server/auth-gate')).toEqual(expect.arrayContaining(['auth/verify/bearer']));
    const text =
      "import type { A } from './a.js';\nimport {\n  b,\n} from '../config/b.js';\nexport { z } from './z.js';\nimport './side.js';\nconst m = await import('./core/y.js');";
    expect(importsOf('agent/x.ts', text)).toEqual(['agent/a', 'config/b', 'agent/z', 'agent/side', 'agent/core/y']);
  });

  it('each layer imports only the layers under it', () => {
    const wrong: string[] = [];
    for (const file of graph.keys()) {
      if (isTestCode(file)) continue;
      const from = layerOf(file);
      for (const target of targets(file)) {
        const to = layerOf(target);
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) wrong.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('nothing imports bench/, and only tests import test/ or agent/ui/testing', () => {
    const wrong: string[] = [];
    for (const file of graph.keys()) {
      for (const target of targets(file)) {
        const testOnly = target.startsWith('test/') || target.startsWith('agent/ui/testing/');
        if (target.startsWith('bench/') || (testOnly && !isTestCode(file))) wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of targets(file)) if (graph.has(target)) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
