import type { Authenticator } from '../../../auth/login/types.js';
import type { ServerAuthMetadata } from './server-metadata.js';
import type { SignInGate } from './sign-in-gate.js';

/**
 * What a sign-in kind that gets tokens (entra, oauth, client-credentials, and following the
 * server's 401) gives SessionAuth and the commands: how to build its Authenticator from the
 * settings, with the server's metadata where the settings need it.
 * Not responsible for when to build it or what to do with tokens (SessionAuth, the commands).
 */

/** The Authenticator for one server's settings, and the gate its tokens pass (absent: the kind binds tokens to the server itself). */
export interface ResolvedMethod {
  authenticator: Authenticator;
  gate?: SignInGate;
}

export interface TokenMethod {
  /**
   * Builds the sign-in: from the settings alone (`metadata` undefined), or with what the server
   * said. Throws one line saying what is missing; a kind that cannot do without the server's
   * metadata throws NeedsServerMetadata when it has none.
   */
  resolve(metadata: ServerAuthMetadata | undefined): Promise<ResolvedMethod>;
  /**
   * The server's 401 challenge tells this kind something its settings cannot (where its metadata
   * is, the scope it wants): a sign-in built without it is built again once a challenge is at hand.
   */
  readonly followsChallenge: boolean;
  /** It signs in only when the server asks (401): until then no sign-in is in use (state `disabled`, `not-asked`). */
  readonly onlyWhenAsked?: boolean;
}

/**
 * The settings leave something only the server can say (its scope, its authorization server):
 * `message` names what is unset, `what` what the server should have said, `fix` what the user can
 * set instead (for the one line a command ends with when the server does not answer).
 */
export class NeedsServerMetadata extends Error {
  override readonly name = 'NeedsServerMetadata';
  constructor(
    message: string,
    readonly what: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** A ready Authenticator as a method (tests, and callers that built their own). */
export function fixedMethod(authenticator: Authenticator, gate?: SignInGate): TokenMethod {
  return { resolve: async () => ({ authenticator, ...(gate && { gate }) }), followsChallenge: false };
}
