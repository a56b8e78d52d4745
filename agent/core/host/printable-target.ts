import { printableUrl } from '../../../config/printable-url.js';
import { safeLine } from '../../../config/terminal-text.js';
import type { ServerConfig } from './server-config.js';

/**
 * Where a server is, fit to print in status lines, /mcp and errors: its URL through printableUrl
 * (no userinfo, query values masked); for stdio the command alone (its arguments may carry
 * expanded keys).
 */
export function printableTarget(config: ServerConfig): string {
  return config.type === 'stdio' ? safeLine(config.command, 60) : printableUrl(config.url);
}
