import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './did-you-mean.js';
import { UsageError } from './errors.js';
import { errorMessage, firstLine } from './error-text.js';
import { safeLine } from './terminal-text.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Node's parseArgs error, in Warden's words: which option or argument, and the closest option to a mistyped one. */
function usageError(error: unknown, options: Options, command: string): UsageError {
  const code = (error as { code?: string }).code;
  const message = errorMessage(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = safeLine(quoted.split(' ')[0]?.replace(/,$/, '') ?? '', 40);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const long = /^--[^=]+/.exec(flag)?.[0];
      const hint = long ? didYouMean(long.slice(2), Object.keys(options), '--') : '';
      return new UsageError(`unknown option ${flag}${hint}`, command);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const long = /--[\w-]+/.exec(quoted)?.[0] ?? flag;
      const boolean = options[long.replace(/^--/, '')]?.type === 'boolean';
      return new UsageError(`${long} ${boolean ? 'takes no value' : 'needs a value'}`, command);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${safeLine(quoted, 60)}"`, command);
    default:
      return new UsageError(firstLine(message) || 'bad arguments', command);
  }
}

/**
 * `util.parseArgs`, strict, for the (sub)command `command` (e.g. `warden mcp add`): `--help`/`-h`
 * is always accepted (callers print their usage when `values.help` is set), and a bad option is
 * one UsageError line naming it and that command's `--help`.
 */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false, command = 'warden') {
  const withHelp = { help: { type: 'boolean', short: 'h' }, ...options } as O & { help: { type: 'boolean'; short: 'h' } };
  try {
    return parseArgs({ args, options: withHelp, strict: true, allowPositionals, allowNegative: false });
  } catch (error) {
    throw usageError(error, withHelp, command);
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
