/**
 * Warden's version, as package.json says it: what the MCP client and server call themselves and
 * the User-Agent of MCP HTTP requests. A unit test keeps it equal to package.json (read at build
 * time would mean a JSON import on the chat's start-up path).
 */
export const WARDEN_VERSION = '0.1.0';

/** The User-Agent of Warden's MCP HTTP requests. */
export const USER_AGENT = `warden/${WARDEN_VERSION}`;
