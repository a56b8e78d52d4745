/**
 * A token that must not be accepted. `description` is safe to return to the caller
 * (it never contains the token) and names what failed, e.g. "token expired".
 */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
  constructor(readonly description: string) {
    super(description);
  }
}

/** The signing keys could not be fetched: a server-side problem, not the caller's token. */
export class KeySourceUnavailableError extends Error {
  override readonly name = 'KeySourceUnavailableError';
}
