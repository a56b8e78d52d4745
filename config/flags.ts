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
