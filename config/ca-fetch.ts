import { rootCertificates } from 'node:tls';

/**
 * A fetch that trusts one extra CA (the embedded dev identity provider's self-signed
 * certificate) besides the system roots, for its own requests only: the process-wide trust store
 * stays untouched, unlike NODE_EXTRA_CA_CERTS. The one owner of that trust, for the agent's
 * sign-in and the server's JWKS fetch alike.
 * Not responsible for which URLs may use it (callers decide: sign-in only for the authority host).
 */

export type CaFetch = (url: string, init?: RequestInit) => Promise<Response>;

type Undici = typeof import('undici');

/** undici loads on the first request: a token served from the cache never pays for it. */
async function loadUndici(): Promise<Undici> {
  const loaded: Partial<Undici> & { default?: Undici } = await import('undici');
  // undici is CommonJS: in the bundled CLI a lazy import of it carries its exports only as `default`.
  return loaded.default ?? (loaded as Undici);
}

export function fetchTrustingCa(caPem: string): CaFetch {
  let ready: Promise<{ undici: Undici; dispatcher: InstanceType<Undici['Agent']> }> | undefined;
  return async (url, init) => {
    const { undici, dispatcher } = await (ready ??= loadUndici().then((undici) => ({ undici, dispatcher: new undici.Agent({ connect: { ca: [...rootCertificates, caPem] } }) })));
    const response = await undici.fetch(url, {
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers)),
      ...(typeof init?.body === 'string' && { body: init.body }),
      redirect: init?.redirect ?? 'follow',
      signal: init?.signal ?? null,
      dispatcher,
    });
    // undici's Response is the same web Response class Node's global fetch returns, from a newer undici.
    return response as unknown as Response;
  };
}
