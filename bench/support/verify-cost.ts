import { performance } from 'node:perf_hooks';
import { createTokenVerifier } from '../../auth/verify/jwt-verifier.js';
import { createKeySource } from '../../auth/verify/key-source.js';
import { loadServerConfig } from '../../mcp-server/config.js';
import type { LocalIssuer } from './local-issuer.js';

export interface VerifyCost {
  /** Microseconds per verification of a token seen for the first time (signature and claims). */
  firstUseMicros: number;
  /** Microseconds per verification of a token verified before (the verified-token cache, by SHA-256). */
  repeatMicros: number;
  /** Microseconds per answer for a token its connection sent before (matched as a string, no promise): what a keep-alive client costs per call. */
  sameConnectionMicros: number;
}

/** The server's own verifier, configured as `warden serve` configures it, timed in this process. */
export async function measureVerifyCost(issuer: LocalIssuer, tokens: number): Promise<VerifyCost> {
  const auth = loadServerConfig(issuer.wardenEnv).auth;
  if (!auth) throw new Error('expected an auth configuration');
  const verifier = createTokenVerifier(auth.verifier, createKeySource(auth.verifier.keys));
  // One unmeasured verification fetches the JWKS.
  await verifier.verify(await issuer.mint('warm-up'));
  const minted = await Promise.all(Array.from({ length: tokens }, (_, i) => issuer.mint(`verify-${i}`)));
  const pass = async (): Promise<number> => {
    const started = performance.now();
    for (const token of minted) await verifier.verify(token);
    return ((performance.now() - started) * 1000) / minted.length;
  };
  const firstUseMicros = await pass();
  const repeatMicros = await pass();
  // One connection per token, as keep-alive clients send them: verified once on it, then answered from it.
  const connections = minted.map(() => ({}));
  for (const [i, token] of minted.entries()) await verifier.verify(token, connections[i]);
  const rounds = 20;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const [i, token] of minted.entries()) if (!verifier.verifiedBefore(token, connections[i])) throw new Error('a token its connection sent before was not recognised');
  }
  const sameConnectionMicros = ((performance.now() - started) * 1000) / (rounds * minted.length);
  return { firstUseMicros, repeatMicros, sameConnectionMicros };
}
