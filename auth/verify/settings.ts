/** Where the public keys that sign access tokens come from. */
export type KeySourceSettings =
  /** A JWKS URL, fetched on first use, cached and refetched on an unknown `kid` (with a cooldown). */
  | {
      kind: 'jwks';
      uri: string;
      /** PEM of an extra CA to trust for this fetch (the dev identity provider). */
      caPem?: string;
      /** Age after which the key set is refetched before it vouches for another token (AUTH_JWKS_MAX_AGE_S); default 600. */
      maxAgeSeconds?: number;
    }
  /** One static public key (SPKI PEM or X.509 certificate PEM): self-signed setups without a JWKS. */
  | { kind: 'pem'; pem: string };

/** Everything the verifier checks; derived from configuration (see mcp-server/config.ts). */
export interface VerifierSettings {
  /** Accepted `iss` values (Entra: the v2 and v1 forms). */
  issuers: string[];
  /** Accepted `aud` values (Entra: the app id GUID and its api:// URI). */
  audiences: string[];
  keys: KeySourceSettings;
  /** When set, `tid` must equal it. */
  tenantId?: string;
  /** When non-empty, `azp` (v2) or `appid` (v1) must be one of these. */
  allowedClientIds: string[];
  /**
   * Which claims carry scopes and the client: `entra` (default) only `scp`/`roles` and
   * `azp`/`appid`; `rfc9068` (a generic OAuth authorization server, AUTH_ISSUER) also RFC 9068's
   * `scope` and `client_id`. Entra never issues `scope`, so there it would be no evidence of consent.
   */
  claims?: 'entra' | 'rfc9068';
  /**
   * RFC 9068 §2.1: the header's `typ` must be `at+jwt` (or `application/at+jwt`), so an ID token or any other JWT
   * the issuer signs for the same audience is never taken for an access token. On for generic issuers
   * (AUTH_ISSUER) unless AUTH_REQUIRE_AT_JWT=false; Entra's access tokens say `JWT` and are told apart by `scp`/`roles`.
   */
  requireAccessTokenType?: boolean;
  /** Tolerance for `exp`/`nbf`, seconds. */
  clockToleranceSeconds: number;
}
