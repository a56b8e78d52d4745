import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/** The fetch shape jose's remote JWKS calls (a URL string and a GET init). */
export type JwksFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * A fetch that trusts one extra CA (the embedded dev identity provider's self-signed
 * certificate) in addition to the system roots, for this fetch only: the process-wide
 * trust store stays untouched, unlike NODE_EXTRA_CA_CERTS.
 */
export function fetchTrustingCa(caPem: string): JwksFetch {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, caPem] } });
  return async (url, init) => {
    const response = await undiciFetch(url, {
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers)),
      redirect: init?.redirect ?? 'follow',
      signal: init?.signal ?? null,
      dispatcher,
    });
    // undici's Response is the same web Response class Node's global fetch returns, from a newer undici.
    return response as unknown as Response;
  };
}
