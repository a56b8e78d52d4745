import { spawn } from 'node:child_process';
import { openableLink, refusedLinkReason } from '../../auth/login/sign-in-link.js';
import type { BrowserOpener } from './hooks/useSignIn.js';

/** The command that opens a URL here, or undefined when there is no browser (SSH or a headless box). */
export function browserCommand(env: Record<string, string | undefined>, platform: NodeJS.Platform): [string, ...string[]] | undefined {
  const configured = env['BROWSER']?.trim();
  if (configured) return configured === 'none' ? undefined : [configured];
  if (platform === 'darwin') return ['open'];
  // Not `cmd /c start`: cmd would parse the URL's `&` as the start of another command.
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler'];
  return env['DISPLAY'] || env['WAYLAND_DISPLAY'] ? ['xdg-open'] : undefined;
}

/** Opens URLs in the user's browser without tying the browser to this process. */
export function browserOpener(env: Record<string, string | undefined>, platform = process.platform): BrowserOpener | undefined {
  const command = browserCommand(env, platform);
  if (!command) return undefined;
  const [file, ...args] = command;
  return (url) =>
    new Promise((resolve, reject) => {
      // Whoever asks, only an https: (or loopback http:) link reaches the browser: never a file, a script or a custom scheme.
      const link = openableLink(url);
      if (!link) return reject(new Error(`not opening ${refusedLinkReason(url)}`));
      const child = spawn(file, [...args, link.href], { detached: true, stdio: 'ignore' });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
}
