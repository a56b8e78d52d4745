import { describe, expect, it } from 'vitest';
import { buildToolCatalog, MODEL_TOOL_NAME, modelInputSchema, toolArguments, type ServerTool } from '../../agent/core/host/tool-names.js';

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that are allowed, that collide once sanitised (., /, space, _), and outside ASCII.
const ALPHABET = ['a', 'b', 'Z', '0', '9', '_', '-', '.', '/', ' ', 'é', '💥', ':', '__'];

function name(rnd: () => number, maxLength: number): string {
  const length = Math.floor(rnd() * maxLength);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
  return out;
}

/** Random servers with random tools; short names collide often, long ones need shortening. */
function generate(rnd: () => number): ServerTool[] {
  const servers = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => name(rnd, rnd() < 0.2 ? 50 : 5) || 's');
  const tools: ServerTool[] = [];
  const seen = new Set<string>();
  for (const server of servers) {
    const count = Math.floor(rnd() * 8);
    for (let i = 0; i < count; i++) {
      const tool = name(rnd, rnd() < 0.25 ? 90 : 4);
      // A server lists a tool name once; two servers may share one.
      if (seen.has(`${server}\u0000${tool}`)) continue;
      seen.add(`${server}\u0000${tool}`);
      tools.push({ server, name: tool });
    }
  }
  return tools;
}

function shuffle<T>(items: readonly T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

describe('tool names the Messages API accepts (property tests, seeded)', () => {
  for (const prefix of [true, false]) {
    it(`${prefix ? 'SERVER__TOOL' : 'bare'} names: every name fits, maps back exactly, never merges two tools, ignores input order`, () => {
      for (const seed of SEEDS) {
        const rnd = random(seed);
        const input = generate(rnd);
        const catalog = buildToolCatalog(input, { prefix });
        const names = catalog.tools.map((t) => t.modelName);
        const context = `seed ${seed}: ${JSON.stringify(input)}`;

        for (const modelName of names) expect(modelName, context).toMatch(MODEL_TOOL_NAME);
        // Never two tools under one name.
        expect(new Set(names).size, context).toBe(input.length);
        // Every input tool is reachable by its name, and only it.
        for (const t of input) {
          const mapped = catalog.tools.find((m) => m.server === t.server && m.tool === t.name);
          expect(mapped, context).toBeDefined();
          expect(catalog.resolve(mapped!.modelName), context).toMatchObject({ server: t.server, tool: t.name });
        }
        expect(catalog.definitions.map((d) => d.name)).toEqual(names);
        // The same tools in any order get the same names.
        const again = buildToolCatalog(shuffle(input, rnd), { prefix });
        expect(
          again.tools.map((t) => [t.server, t.tool, t.modelName]),
          context,
        ).toEqual(catalog.tools.map((t) => [t.server, t.tool, t.modelName]));
      }
    });
  }

  it('keeps valid names as they are, prefixes the server, and gives clashing or long names a stable hash', () => {
    const catalog = buildToolCatalog(
      [
        { server: 'fs', name: 'files.read' },
        { server: 'fs', name: 'files_read' },
        { server: 'weather', name: 'get_alerts' },
        { server: 'weather', name: 'x'.repeat(70) },
      ],
      { prefix: true },
    );
    const byTool = Object.fromEntries(catalog.tools.map((t) => [t.tool, t.modelName]));
    expect(byTool.get_alerts).toBe('weather__get_alerts');
    // The tool whose name needs no change keeps it; the sanitised one that would clash gets a hash.
    expect(byTool.files_read).toBe('fs__files_read');
    expect(byTool['files.read']).toMatch(/^fs__files_read_[0-9a-f]{6}$/);
    expect(byTool['x'.repeat(70)]).toMatch(/^weather__x+_[0-9a-f]{6}$/);
    expect(byTool['x'.repeat(70)]).toHaveLength(64);
    expect(catalog.resolve('weather__nope')).toBeUndefined();
  });

  it('without the prefix (the one-server shortcut) tools keep their own names', () => {
    const catalog = buildToolCatalog(
      [
        { server: 'server', name: 'reverse' },
        { server: 'server', name: 'get_alerts' },
      ],
      { prefix: false },
    );
    expect(catalog.definitions.map((d) => d.name)).toEqual(['get_alerts', 'reverse']);
  });
});

describe('input schemas the Messages API accepts', () => {
  it('passes a plain object schema (without $schema), adds a missing object type', () => {
    expect(modelInputSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      schema: { type: 'object', properties: { a: { type: 'string' } } },
      wrapped: false,
    });
    expect(modelInputSchema({ properties: { a: {} } })).toEqual({ schema: { type: 'object', properties: { a: {} } }, wrapped: false });
    expect(modelInputSchema(undefined)).toEqual({ schema: { type: 'object', properties: {} }, wrapped: false });
  });

  it('wraps anyOf / oneOf / $ref / non-object tops under "input", keeps $defs at the root, and unwraps the arguments', () => {
    const anyOf = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } } },
        { type: 'object', properties: { b: { type: 'number' } } },
      ],
    };
    const [tool] = buildToolCatalog([{ server: 's', name: 't', inputSchema: anyOf }], { prefix: true }).tools;
    expect(tool?.definition.input_schema).toEqual({ type: 'object', properties: { input: anyOf }, required: ['input'] });
    expect(toolArguments(tool!, { input: { a: 'x' } })).toEqual({ a: 'x' });

    const ref = { $ref: '#/$defs/Args', $defs: { Args: { type: 'object', properties: { q: { type: 'string' } } } } };
    expect(modelInputSchema(ref)).toEqual({
      schema: { type: 'object', properties: { input: { $ref: '#/$defs/Args' } }, required: ['input'], $defs: ref.$defs },
      wrapped: true,
    });
    expect(modelInputSchema({ type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] }).wrapped).toBe(true);
    expect(modelInputSchema({ type: 'string' }).wrapped).toBe(true);

    const [plain] = buildToolCatalog([{ server: 's', name: 't', inputSchema: { type: 'object' } }], { prefix: true }).tools;
    expect(toolArguments(plain!, { input: { a: 1 } })).toEqual({ input: { a: 1 } });
  });
});
