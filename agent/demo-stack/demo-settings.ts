import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../../config/load.js';
import { writeFileAtomic } from '../../config/private-file.js';
import type { EntraOverride } from '../core/auth/settings.js';

/**
 * The demo's sign-in settings, written where the demo keeps everything (WARDEN_DEMO_DIR, default
 * ~/.config/warden/demo) each time it starts, so `warden status`, `login` and `logout` run from any
 * directory find the demo's sign-in when the user has set up none of their own (no ENTRA_CLIENT_ID
 * in their environment or ~/.config/warden/.env). Never applied to the chat or -p: a token for the
 * demo's API goes only to the demo's own server.
 * Not responsible for starting the demo (stack.ts) nor for the user's own settings (settings.ts).
 */

const FILE = 'sign-in.json';

/** The shortcut's Entra settings as the demo has them (where they came from is said on reading). */
export type DemoSignIn = Omit<EntraOverride, 'from'>;

/** Where the demo keeps its data, token cache, logs and these settings. */
export function demoDir(env: Env, home: string): string {
  return env.WARDEN_DEMO_DIR || join(home, '.config', 'warden', 'demo');
}

export async function writeDemoSignIn(dir: string, settings: DemoSignIn): Promise<void> {
  await writeFileAtomic(join(dir, FILE), `${JSON.stringify(settings, null, 2)}\n`);
}

/** The demo's settings as the shortcut's Entra settings (from: the demo), or undefined when the demo never ran here. */
export function readDemoSignIn(dir: string): (EntraOverride & { file: string }) | undefined {
  const file = join(dir, FILE);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (key: string): string | undefined => (typeof parsed[key] === 'string' && parsed[key] !== '' ? (parsed[key] as string) : undefined);
  const [authorityHost, tenantId, clientId, scope, tokenCache] = ['authorityHost', 'tenantId', 'clientId', 'scope', 'tokenCache'].map(text);
  if (!authorityHost || !tenantId || !clientId || !scope || !tokenCache) return undefined;
  const caFile = text('caFile');
  return { authorityHost, tenantId, clientId, scope, tokenCache, ...(caFile && { caFile }), from: { from: 'demo' }, file };
}
