import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli-process.js';

/**
 * Every `warden …` command the docs show — in code blocks and in inline code — names a
 * subcommand and flags the CLI has (each command's --help lists its flags). The README's usage
 * block is also run as written (readme-usage-secrets.test.ts); this catches a renamed or removed
 * flag anywhere else in the docs.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const SUBCOMMANDS = ['demo', 'login', 'logout', 'status', 'mcp', 'serve', 'dev-idp'];

interface DocCommand {
  page: string;
  line: string;
  subcommand: string;
  flags: string[];
}

/** `warden …` lines of code blocks (a `$ ` prompt allowed) and inline code spans. */
export function docCommands(page: string, text: string): DocCommand[] {
  const blocks = [...text.matchAll(/```(?:sh|console|bash)\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.replace(/^\$ /, '').trim()));
  const spans = [...text.matchAll(/`(warden [^`]+)`/g)].map((m) => m[1]!);
  return [...blocks, ...spans]
    .filter((line) => /^warden(\s|$)/.test(line))
    .map((line) => {
      const words = line.replace(/#.*$/, '').split(/\s+/).slice(1);
      const subcommand = words.find((w) => SUBCOMMANDS.includes(w)) ?? '(chat)';
      const flags = [...new Set([...line.replace(/#.*$/, '').matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => `--${m[1]}`))].filter((f) => f !== '--help');
      return { page, line, subcommand, flags };
    });
}

const commands = PAGES.flatMap((page) => docCommands(page, readFileSync(join(ROOT, page), 'utf8')));
const helpCache = new Map<string, string>();
function help(subcommand: string): string {
  const args = subcommand === '(chat)' ? ['-p', '--help'] : [subcommand, '--help'];
  if (!helpCache.has(subcommand)) helpCache.set(subcommand, execFileSync(process.execPath, [CLI_PATH, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
  return helpCache.get(subcommand)!;
}

describe('the commands the docs show', () => {
  it('finds them (the reader works)', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(docCommands('x.md', '```sh\n$ warden login --force   # again\nnpm start\n```\nthen `warden -p "hi" --output json`.')).toEqual([
      { page: 'x.md', line: 'warden login --force   # again', subcommand: 'login', flags: ['--force'] },
      { page: 'x.md', line: 'warden -p "hi" --output json', subcommand: '(chat)', flags: ['--output'] },
    ]);
  });

  it('use only flags their command has', () => {
    const unknown = commands.flatMap((c) => c.flags.filter((flag) => !help(c.subcommand).includes(flag)).map((flag) => `${c.page}: ${flag} in \`${c.line}\``));
    expect(unknown).toEqual([]);
  });
});
