/**
 * Tool input schemas for registration: validation stays the schema's own, its JSON Schema is
 * converted once per process. Not a schema library and not a place for tool logic.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type Converter = StandardSchemaWithJSON['~standard']['jsonSchema'];

/**
 * A tool's input schema whose JSON Schema is converted once. The SDK converts a tool's schema on
 * every `tools/call` it serves (for its Mcp-Param header check) and caches it on the McpServer,
 * which stateless serving builds anew per request: zod ran the conversion per call (~3 % of the
 * server's CPU under load; bench/README.md). Validation stays the schema's own. The converted
 * schema is frozen, so no reader can change what the next one sees.
 */
export function convertedOnce<In, Out>(schema: StandardSchemaWithJSON<In, Out>): StandardSchemaWithJSON<In, Out> {
  const std = schema['~standard'];
  const cache = new Map<string, Record<string, unknown>>();
  const once =
    (io: 'input' | 'output'): Converter['input'] =>
    (options) => {
      const key = `${io} ${JSON.stringify(options)}`;
      let converted = cache.get(key);
      if (!converted) cache.set(key, (converted = deepFreeze(std.jsonSchema[io](options))));
      return converted;
    };
  return { '~standard': { ...std, jsonSchema: { input: once('input'), output: once('output') } } };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
