import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAuthorityMetadata, writeAuthorityMetadata } from '../../auth/login/authority-metadata.js';

/**
 * The dev identity provider's discovery document kept beside the token cache: one file named for
 * what it holds (issue 24 §2: not `token_cache.json.authority.json`), and a file under the former
 * name is taken over rather than left behind or fetched again.
 */

const AUTHORITY = 'https://localhost:8443/tenant';
const METADATA = {
  issuer: 'https://localhost:8443/tenant/v2.0',
  token_endpoint: 'https://localhost:8443/tenant/oauth2/v2.0/token',
  authorization_endpoint: 'https://localhost:8443/tenant/oauth2/v2.0/authorize',
  jwks_uri: 'https://localhost:8443/tenant/discovery/v2.0/keys',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-authority-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the authority metadata file', () => {
  it('is authority_metadata.json beside the cache', async () => {
    const cache = join(dir, 'token_cache.json');
    await writeAuthorityMetadata(cache, AUTHORITY, METADATA, 1);
    expect(readdirSync(dir)).toEqual(['authority_metadata.json']);
    expect(JSON.parse((await readAuthorityMetadata(cache, AUTHORITY)) ?? '{}')).toEqual(METADATA);
  });

  it('takes over the file of the former name: read from it once, then kept under the new name only', async () => {
    const cache = join(dir, 'token_cache.json');
    writeFileSync(join(dir, 'token_cache.json.authority.json'), JSON.stringify({ version: 1, authorities: { [AUTHORITY]: { fetchedAt: 1, metadata: METADATA } } }), {
      mode: 0o600,
    });
    expect(JSON.parse((await readAuthorityMetadata(cache, AUTHORITY)) ?? '{}')).toEqual(METADATA);
    expect(readdirSync(dir)).toEqual(['authority_metadata.json']);
    expect(existsSync(join(dir, 'token_cache.json.authority.json'))).toBe(false);
  });
});
