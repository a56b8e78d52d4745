import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userServerFile } from '../../agent/core/host/paths.js';

/**
 * Scratch directories for the host's configuration files: a home (the user's file lives under it)
 * and a project directory (its `.mcp.json`), both under one root a test removes when done.
 */
export async function scratchHomeAndProject(prefix: string): Promise<{ root: string; home: string; cwd: string }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  return { root, home: join(root, 'home'), cwd };
}

/** Writes the user's mcpServers file under `home`: `value` as JSON, or as given when it is a string (for malformed files). */
export async function writeUserServers(home: string, value: unknown): Promise<string> {
  const file = userServerFile(home);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Writes the project's `.mcp.json` in `cwd`. */
export async function writeProjectServers(cwd: string, value: unknown): Promise<string> {
  const file = join(cwd, '.mcp.json');
  await writeFile(file, JSON.stringify(value));
  return file;
}

/**
 * Writes Claude Code's `~/.claude.json` under `home` the way Claude Code writes it: one big file,
 * two-space indented, its MCP servers (`mcpServers` for its user scope, `projects[dir].mcpServers`
 * for its local scope) among many unrelated keys — start-up counters, tips, an account, a cached
 * changelog, other projects with their own history and servers.
 */
export async function writeClaudeJson(home: string, servers: { user?: Record<string, unknown>; local?: Record<string, Record<string, unknown>> }): Promise<string> {
  const file = join(home, '.claude.json');
  const project = (mcpServers: Record<string, unknown>, n: number) => ({
    allowedTools: [],
    history: Array.from({ length: 40 }, (_, i) => ({ display: `fix the flaky test number ${i} in module ${n}`, pastedContents: {} })),
    mcpContextUris: [],
    mcpServers,
    enabledMcpjsonServers: [],
    disabledMcpjsonServers: [],
    hasTrustDialogAccepted: true,
    projectOnboardingSeenCount: 2,
    hasClaudeMdExternalIncludesApproved: false,
    hasClaudeMdExternalIncludesWarningShown: false,
    lastCost: 0.4213,
    lastAPIDuration: 81234,
    lastDuration: 312345,
    lastLinesAdded: 120,
    lastLinesRemoved: 34,
    lastTotalInputTokens: 120345,
    lastTotalOutputTokens: 8123,
    lastSessionId: `0b8f${n}c2e-6a1d-4c55-9d0e-2f7f0c8a${String(1000 + n)}`,
  });
  const projects: Record<string, unknown> = {};
  for (let n = 0; n < 25; n++) {
    projects[`/home/someone/src/other-project-${n}`] = project(n % 5 === 0 ? { [`other-${n}`]: { type: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: {} } } : {}, n);
  }
  for (const [dir, mcpServers] of Object.entries(servers.local ?? {})) projects[dir] = project(mcpServers, 99);
  const root = {
    numStartups: 187,
    installMethod: 'npm-global',
    autoUpdates: true,
    tipsHistory: Object.fromEntries(['new-user-warmup', 'memory-command', 'theme-command', 'prompt-queue', 'todo-list', 'shift-enter', 'git-worktrees'].map((t, i) => [t, i * 7])),
    promptQueueUseCount: 12,
    userID: 'f3b1c0a77e2d4d1e9b0c8a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d',
    firstStartTime: '2026-03-02T09:14:55.123Z',
    projects,
    mcpServers: servers.user ?? {},
    oauthAccount: {
      accountUuid: '4e0d2c1b-aaaa-bbbb-cccc-0123456789ab',
      emailAddress: 'someone@example.com',
      organizationUuid: '9a8b7c6d-1111-2222-3333-444455556666',
      organizationRole: 'admin',
    },
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.300',
    subscriptionNoticeCount: 0,
    hasAvailableSubscription: false,
    cachedChangelog: `# Changelog\n\n${Array.from({ length: 300 }, (_, i) => `## 2.1.${300 - i}\n\n- Fixed a thing\n- Improved another thing\n`).join('\n')}`,
    changelogLastFetched: 1764950400000,
    fallbackAvailableWarningThreshold: 0.5,
    isQualifiedForDataSharing: false,
    shiftEnterKeyBindingInstalled: true,
    bypassPermissionsModeAccepted: false,
  };
  await mkdir(home, { recursive: true });
  await writeFile(file, JSON.stringify(root, null, 2));
  return file;
}
