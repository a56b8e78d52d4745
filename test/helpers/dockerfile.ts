/** Just enough of a Dockerfile parser to check one statically: stages and their instructions. */

export interface Instruction {
  keyword: string;
  /** Flags such as `--from=build`, by name. */
  flags: Record<string, string>;
  /** The rest, as written (JSON form left as JSON). */
  args: string;
}

export interface Stage {
  name?: string;
  image: string;
  instructions: Instruction[];
}

/** Joins continuation lines, drops comments, and groups instructions by `FROM`; `ARG`s before the first stage substitute into images. */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const flags: Record<string, string> = {};
    let args = rest;
    for (let flag = /^--([\w-]+)=(\S+)\s*/.exec(args); flag; flag = /^--([\w-]+)=(\S+)\s*/.exec(args)) {
      flags[flag[1] as string] = flag[2] as string;
      args = args.slice(flag[0].length);
    }
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = args.split('=', 2);
      globalArgs.set(name, value);
    } else if (upper === 'FROM') {
      const [image = '', , name] = args.split(/\s+/);
      const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globalArgs.get(a ?? b ?? '') ?? '');
      stages.push({ ...(name !== undefined && { name }), image: resolved, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, flags, args });
    }
  }
  return stages;
}

/** `COPY a b dest` → sources and destination (shell form only, which is all this repo uses). */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } {
  const parts = instruction.args.split(/\s+/);
  return { sources: parts.slice(0, -1), dest: parts.at(-1) ?? '' };
}
