import { rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readPrivateFile, writeFileAtomic } from '../../config/private-file.js';
import type { IdentityNetwork } from './network.js';

/**
 * The OpenID discovery document of a custom authority (the dev identity provider, or any
 * non-Microsoft host), kept beside the token cache as `authority_metadata.json` (one file per
 * token directory, keyed by authority; before, `<cache>.authority.json`, renamed on first use) and
 * handed to MSAL as `authorityMetadata`, so a fresh process needs no network for a cached token.
 * Microsoft's own hosts need none of this: MSAL ships their metadata.
 */

interface StoredFile {
  version: 1;
  authorities: Record<string, { fetchedAt: number; metadata: Record<string, unknown> }>;
}

export function metadataPath(cachePath: string): string {
  return join(dirname(cachePath), 'authority_metadata.json');
}

/** The name this file had before, beside a cache of that name. */
const formerPath = (cachePath: string): string => `${cachePath}.authority.json`;

/** The file's text; when only its former name is there, that file takes the current name first. */
async function readStored(cachePath: string): Promise<string | undefined> {
  const path = metadataPath(cachePath);
  const text = await readPrivateFile(path).catch(() => undefined);
  if (text !== undefined) return text;
  const moved = await rename(formerPath(cachePath), path).then(
    () => true,
    () => false,
  );
  return moved ? readPrivateFile(path).catch(() => undefined) : undefined;
}

export async function readAuthorityMetadata(cachePath: string, authority: string): Promise<string | undefined> {
  const text = await readStored(cachePath);
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as StoredFile;
    const entry = stored?.authorities?.[authority];
    return entry && isUsable(entry.metadata, authority) ? JSON.stringify(entry.metadata) : undefined;
  } catch {
    return undefined; // a broken metadata file only costs one discovery request
  }
}

export async function writeAuthorityMetadata(cachePath: string, authority: string, metadata: Record<string, unknown>, now: number): Promise<void> {
  const path = metadataPath(cachePath);
  let stored: StoredFile = { version: 1, authorities: {} };
  try {
    const previous = JSON.parse((await readStored(cachePath)) ?? '') as StoredFile;
    if (previous?.version === 1 && typeof previous.authorities === 'object') stored = previous;
  } catch {
    // start afresh
  }
  stored.authorities[authority] = { fetchedAt: now, metadata };
  await writeFileAtomic(path, `${JSON.stringify(stored, null, 2)}\n`);
}

/** The endpoints MSAL needs, all on the authority's own origin (MSAL would also refuse a foreign issuer). */
function isUsable(metadata: unknown, authority: string): metadata is Record<string, unknown> {
  if (typeof metadata !== 'object' || metadata === null) return false;
  const origin = new URL(authority).origin;
  const m = metadata as Record<string, unknown>;
  return ['issuer', 'token_endpoint', 'authorization_endpoint', 'jwks_uri'].every((key) => {
    const value = m[key];
    if (typeof value !== 'string') return false;
    try {
      return new URL(value).origin === origin;
    } catch {
      return false;
    }
  });
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/** Fetches `{authority}/v2.0/.well-known/openid-configuration` (the path MSAL itself uses) and checks it. */
export async function discoverAuthority(network: IdentityNetwork, authority: string): Promise<Record<string, unknown>> {
  const url = `${authority}/v2.0/.well-known/openid-configuration`;
  const response = await network.getJson(url);
  if (response.status !== 200) throw new DiscoveryError(`${url} answered HTTP ${response.status}`);
  if (!isUsable(response.body, authority)) {
    throw new DiscoveryError(`${url} is not OpenID metadata for ${authority} (issuer and endpoints must be on ${new URL(authority).origin})`);
  }
  return response.body;
}
