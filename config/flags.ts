import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import { errorMessage, firstLine } from './error-text.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with strict checking whose errors become one-line UsageErrors. */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals, allowNegative: false });
  } catch (error) {
    throw new UsageError(firstLine(errorMessage(error)) || 'bad arguments');
  }
}

/**
 * A flag whose value is optional (`--resume` or `--resume ID`), which `parseArgs` cannot express:
 * taken out of `args` before they are parsed. The next argument is its value only when `isValue`
 * accepts it (so `-r "a prompt"` is not read as an ID); `--flag=value` always is.
 */
export function takeOptionalFlag(args: readonly string[], names: readonly string[], isValue: (arg: string) => boolean): { rest: string[]; present: boolean; value?: string } {
  const rest: string[] = [];
  let present = false;
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const eq = names.find((n) => n.startsWith('--') && arg.startsWith(`${n}=`));
    if (eq) {
      present = true;
      value = arg.slice(eq.length + 1);
    } else if (names.includes(arg)) {
      present = true;
      const next = args[i + 1];
      if (next !== undefined && isValue(next)) {
        value = next;
        i++;
      }
    } else rest.push(arg);
  }
  return { rest, present, ...(value !== undefined && { value }) };
}
