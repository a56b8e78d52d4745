import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAuthenticator } from '../../auth/login/index.js';
import { startDemoStack, type DemoStack } from '../../agent/demo-stack/stack.js';

export interface SignedInStack {
  stack: DemoStack;
  /** What a `warden` process needs to reuse the sign-in: MCP_SERVER_URL, ENTRA_*, WARDEN_TOKEN_CACHE, WARDEN_DEV_CA_FILE. */
  agentEnv: Record<string, string>;
  /** A directory with no `.env` in it, to run agent processes from. */
  cwd: string;
  /** The device-code sign-in that filled the cache, ms (MSAL waits the provider's poll interval once). */
  signInMs: number;
  close(): Promise<void>;
}

/**
 * The demo stack (dev identity provider + MCP server verifying its tokens, both in this process,
 * on loopback) in a fresh directory, with one programmatic device-code sign-in, so the token cache
 * holds an access token, a refresh token and the provider's metadata: what a user has after
 * `warden login`.
 */
export async function startSignedInStack(dir: string, env: Record<string, string> = {}): Promise<SignedInStack> {
  rmSync(dir, { recursive: true, force: true });
  const cwd = join(dir, 'cwd');
  mkdirSync(cwd, { recursive: true });
  const stack = await startDemoStack({ dir, env });
  try {
    const started = performance.now();
    // The plain file, even when the bench runs in a D-Bus session: its child processes run without one.
    await createAuthenticator({ ...stack.login, tokenStore: 'file' }).signIn({ onDeviceCode: (p) => void stack.idp.approve(p.userCode ?? '') });
    const signInMs = performance.now() - started;
    const agentEnv: Record<string, string> = { MCP_SERVER_URL: stack.server.url, WARDEN_TOKEN_CACHE: stack.login.cachePath };
    for (const line of stack.idp.envLines()) {
      const at = line.indexOf('=');
      agentEnv[line.slice(0, at)] = line.slice(at + 1);
    }
    return { stack, agentEnv, cwd, signInMs, close: () => stack.close() };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/**
 * A child environment with nothing of the bench's own but PATH (no NODE_OPTIONS,
 * NODE_EXTRA_CA_CERTS, CI, ANTHROPIC_API_KEY …): every process of a comparison starts alike.
 * HOME points into the scratch directory, so no user configuration is read.
 */
export function childEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...extra };
}
