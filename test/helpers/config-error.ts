import { expect } from 'vitest';
import { ConfigError } from '../../config/errors.js';

/** Runs `run`, expects it to throw a ConfigError, and returns its one-line message. */
export function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
