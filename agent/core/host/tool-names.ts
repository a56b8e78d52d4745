import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../model/types.js';
import type { ToolAnnotations } from '../tool-calls/questions.js';

/**
 * Tool names and schemas the Messages API accepts, for the tools of several MCP servers.
 *
 * Responsible for: the model-facing name of each (server, tool) — `SERVER__TOOL` fitted to
 * `^[a-zA-Z0-9_-]{1,64}$`, deterministic whatever order the tools arrive in — the exact way back,
 * and wrapping input schemas whose top level is not a plain object (arguments unwrapped again).
 * Not responsible for: which tools are offered (filters, server state) nor how calls are made.
 */

export const MODEL_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME = 64;
const SEPARATOR = '__';
/** The property a wrapped schema puts the original input under. */
export const WRAPPED_INPUT = 'input';

export interface ServerTool {
  server: string;
  name: string;
  description?: string;
  /** The MCP tool's `inputSchema`, as the server sent it. */
  inputSchema?: unknown;
  /** The tool's annotations, as the server declared them (hints, see agent/core/permissions). */
  annotations?: ToolAnnotations;
}

export interface MappedTool {
  /** The name the model sees and calls. */
  modelName: string;
  server: string;
  /** The MCP tool's own name, as the server knows it. */
  tool: string;
  /** The schema was wrapped under `input`: the model's arguments must be unwrapped. */
  wrapped: boolean;
  definition: ToolDefinition;
  annotations: ToolAnnotations;
}

export interface ToolCatalog {
  tools: readonly MappedTool[];
  definitions: ToolDefinition[];
  /** The tool a model-given name stands for; undefined for a name that was never offered. */
  resolve(modelName: string): MappedTool | undefined;
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 6);

/** Characters the API refuses become `_`; nothing is left empty. */
const clean = (text: string): string => text.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';

/** Shortens to `max` by keeping the head and appending `_` + a hash of what it stands for. */
function fitName(name: string, key: string, max = MAX_NAME): string {
  const suffix = `_${shortHash(key)}`;
  return name.length <= max ? name : `${name.slice(0, max - suffix.length)}${suffix}`;
}

/** A top-level schema the API takes as it is: `type: object` with no combinator or reference beside it. */
function isPlainObjectSchema(schema: Record<string, unknown>): boolean {
  const combined = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if'].some((key) => key in schema);
  return !combined && (schema.type === 'object' || (schema.type === undefined && typeof schema.properties === 'object'));
}

/** The input schema the model gets; `wrapped` when the original had to go under `input`. */
export function modelInputSchema(inputSchema: unknown): { schema: ToolDefinition['input_schema']; wrapped: boolean } {
  const raw = inputSchema !== null && typeof inputSchema === 'object' && !Array.isArray(inputSchema) ? (inputSchema as Record<string, unknown>) : {};
  // `$schema` is meta-information the Messages API does not need.
  const { $schema: _meta, ...schema } = raw;
  if (Object.keys(schema).length === 0) return { schema: { type: 'object', properties: {} }, wrapped: false };
  if (isPlainObjectSchema(schema)) return { schema: { ...schema, type: 'object' }, wrapped: false };
  // Definitions stay at the root, where `#/$defs/…` references inside the original point.
  const { $defs, definitions, ...inner } = schema;
  return {
    schema: {
      type: 'object',
      properties: { [WRAPPED_INPUT]: inner },
      required: [WRAPPED_INPUT],
      ...($defs !== undefined && { $defs }),
      ...(definitions !== undefined && { definitions }),
    },
    wrapped: true,
  };
}

/** The model's arguments as the MCP tool expects them. */
export function toolArguments(tool: MappedTool, input: Record<string, unknown>): Record<string, unknown> {
  if (!tool.wrapped) return input;
  const inner = input[WRAPPED_INPUT];
  // A non-object input (a oneOf of strings, say) cannot be MCP arguments; send it as the model gave it.
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : input;
}

const byServerThenName = (a: ServerTool, b: ServerTool): number => (a.server < b.server ? -1 : a.server > b.server ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Names every tool. With `prefix` (several servers, or any configured server) a name is
 * `SERVER__TOOL`; without (the one-server shortcut), the tool's own name. Names that need no
 * change are taken first, so a tool keeps its name when another's sanitised name would clash;
 * a changed name that still clashes gets a hash of its server and tool; the last resort is a
 * counter. Input order never matters: everything is decided on the sorted list.
 */
export function buildToolCatalog(input: readonly ServerTool[], options: { prefix: boolean }): ToolCatalog {
  const sorted = [...input].sort(byServerThenName);
  const used = new Set<string>();
  const names = new Map<ServerTool, string>();
  const wanted = (t: ServerTool): string => (options.prefix ? `${clean(t.server)}${SEPARATOR}${clean(t.name)}` : clean(t.name));
  const verbatim = (t: ServerTool): string => (options.prefix ? `${t.server}${SEPARATOR}${t.name}` : t.name);
  const key = (t: ServerTool): string => `${t.server}\u0000${t.name}`;

  // Pass 1: names that need no change.
  for (const t of sorted) {
    const name = verbatim(t);
    if (MODEL_TOOL_NAME.test(name) && !used.has(name)) {
      used.add(name);
      names.set(t, name);
    }
  }
  // Pass 2: sanitised and shortened names; a clash gets the hash, then a counter.
  for (const t of sorted) {
    if (names.has(t)) continue;
    let name = fitName(wanted(t), key(t));
    if (used.has(name)) name = fitName(`${wanted(t)}_${shortHash(key(t))}`, key(t));
    for (let n = 2; used.has(name); n++) name = fitName(`${wanted(t)}_${shortHash(key(t))}_${n}`, `${key(t)}\u0000${n}`);
    used.add(name);
    names.set(t, name);
  }

  const tools = sorted.map((t): MappedTool => {
    const modelName = names.get(t) ?? '';
    const { schema, wrapped } = modelInputSchema(t.inputSchema);
    return {
      modelName,
      server: t.server,
      tool: t.name,
      wrapped,
      definition: { name: modelName, description: t.description || t.name, input_schema: schema },
      annotations: t.annotations ?? {},
    };
  });
  const index = new Map(tools.map((t) => [t.modelName, t]));
  return { tools, definitions: tools.map((t) => t.definition), resolve: (name) => index.get(name) };
}
