import { clear } from './clear.js';
import { compact } from './compact.js';
import { cost } from './cost.js';
import { exit } from './exit.js';
import { help } from './help.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { mcp } from './mcp.js';
import { permissions } from './permissions.js';
import { resume } from './resume.js';
import { status } from './status.js';
import { tools } from './tools.js';
import type { SlashCommand } from './types.js';

/** In the order /help lists them. */
export const slashCommands: readonly SlashCommand[] = [help, tools, mcp, permissions, login, logout, status, cost, resume, compact, clear, exit];
