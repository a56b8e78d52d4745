import { readFileSync } from 'node:fs';
import { request } from 'node:https';

/**
 * Approves a device code as the README tells headless users to: a plain form POST of
 * `user_code` to the verification URL, trusting only the dev provider's certificate.
 */
export function approveDeviceCode(verificationUri: string, userCode: string, caFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(verificationUri, { method: 'POST', ca: readFileSync(caFile), headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(`user_code=${encodeURIComponent(userCode)}`);
  });
}

/** Every secret in an MSAL cache file (access, refresh and ID tokens), to prove none leaked anywhere. */
export function cachedSecrets(cacheFile: string): string[] {
  const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, Record<string, { secret?: string }>>;
  return ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((section) => Object.values(cache[section] ?? {}).map((e) => e.secret ?? '')).filter((s) => s.length > 20);
}
