import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type VenvOutcome = { ok: true; python: string; version: string; installSeconds: number } | { ok: false; reason: string };

/**
 * A throw-away virtualenv at `dir` with `packages` installed by pip (from whatever index pip
 * is configured with). Reused when it already imports `module`; delete the directory to
 * start afresh. Every missing piece is a reason to skip, never an exception.
 */
export async function ensureVenv(dir: string, packages: string[], module: string): Promise<VenvOutcome> {
  const python = join(dir, 'bin', 'python');
  const started = Date.now();
  const probe = async (): Promise<string | undefined> =>
    existsSync(python)
      ? run(python, ['-c', `import ${module}; print(${module}.__version__)`]).then(
          (r) => r.stdout.trim(),
          () => undefined,
        )
      : undefined;

  let version = await probe();
  if (version !== undefined) return { ok: true, python, version, installSeconds: 0 };
  const pip = (...extra: string[]): string[] => ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...extra, ...packages];
  const steps: { reason: string; command: string; args: string[]; timeout: number; fallback?: string[] }[] = [
    { reason: 'python3 is not installed', command: 'python3', args: ['--version'], timeout: 10_000 },
    { reason: 'python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)', command: 'python3', args: ['-m', 'venv', '--clear', dir], timeout: 120_000 },
    // Without retries first: where pip reaches only a local mirror, its back-off on an unreachable index costs minutes.
    { reason: `pip install ${packages.join(' ')} failed`, command: python, args: pip('--retries', '0', '--timeout', '3'), timeout: 300_000, fallback: pip() },
  ];
  for (const step of steps) {
    try {
      await run(step.command, step.args, { timeout: step.timeout }).catch((error: unknown) => {
        if (!step.fallback) throw error;
        return run(step.command, step.fallback, { timeout: step.timeout });
      });
    } catch (error) {
      const detail = (error as { stderr?: string }).stderr
        ?.trim()
        .split('\n')
        .filter((l) => !/^WARNING/.test(l))
        .at(-1);
      return { ok: false, reason: detail ? `${step.reason}: ${detail}` : step.reason };
    }
  }
  version = await probe();
  if (version === undefined) return { ok: false, reason: `${module} does not import after pip install` };
  return { ok: true, python, version, installSeconds: (Date.now() - started) / 1000 };
}
