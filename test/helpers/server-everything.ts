import { fileURLToPath } from 'node:url';

/** The reference MCP server `@modelcontextprotocol/server-everything`'s entry: `node EVERYTHING stdio` (or `streamableHttp`). */
export const EVERYTHING = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));
