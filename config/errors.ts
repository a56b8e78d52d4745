/** A configuration problem the user can fix; printed as one line, exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A command-line usage problem (unknown flag, missing value); printed as one line, exit code 2.
 * `command` is the (sub)command whose `--help` explains it, e.g. `warden mcp add`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command = 'warden',
  ) {
    super(message);
  }
}
