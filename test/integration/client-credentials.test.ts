import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../../auth/dev-idp/certificate.js';
import { TOKEN_EXCHANGE_AUDIENCE } from '../../auth/dev-idp/client-credentials.js';
import { startDevIdp, type RunningDevIdp } from '../../auth/dev-idp/index.js';
import { startCli } from '../helpers/cli-process.js';
import { startTestServer, type TestServer } from '../helpers/server-harness.js';
import { devIdpServerEnv } from '../../agent/demo-stack/stack.js';

/**
 * Unattended sign-in for -p in CI (issue 13): an Entra service principal gets an app token
 * (`roles`) with the client_credentials grant — with a certificate (MSAL signs the client
 * assertion) or with a federated token file (AZURE_FEDERATED_TOKEN_FILE) — from the dev
 * identity provider, and Warden's server accepts it.
 */

const CERT_APP = '00000000-de70-4000-8000-0000000000c1';
const FEDERATED_APP = '00000000-de70-4000-8000-0000000000f1';
const FEDERATION = { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:warden/warden:ref:refs/heads/main' };

let root: string;
let idp: RunningDevIdp;
let server: TestServer;
let certificateFile: string;
/** The "CI platform": signs the federated tokens it writes to a file. */
let platformKey: KeyObject;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'warden-app-'));
  const cert = createSelfSignedCertificate('warden test service principal', new Date(), 'rsa');
  certificateFile = join(root, 'sp.pem');
  writeFileSync(certificateFile, `${cert.certPem}${cert.keyPem}`, { mode: 0o600 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  platformKey = platform.privateKey;
  idp = await startDevIdp({
    port: 0,
    dataDir: join(root, 'idp'),
    servicePrincipals: [
      { clientId: CERT_APP, publicKeyPem: cert.certPem },
      { clientId: FEDERATED_APP, publicKeyPem: platform.publicKey.export({ type: 'spki', format: 'pem' }) as string, federated: FEDERATION },
    ],
  });
  server = await startTestServer({ ...devIdpServerEnv(idp), REVERSE_STEP_MS: '0' });
});
afterAll(async () => {
  await server?.server.close();
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A user config file with one server signing in as `auth`, and -p run against it in a fresh home. */
async function runPrint(auth: Record<string, unknown>, env: Record<string, string> = {}) {
  const home = mkdtempSync(join(root, 'home-'));
  mkdirSync(join(home, '.config', 'warden'), { recursive: true });
  const file = join(home, 'servers.json');
  writeFileSync(file, JSON.stringify({ mcpServers: { warden: { url: server.server.url, auth } } }));
  const cli = startCli(['-p', '-q', 'reverse hello ci', '--mcp-config', file, '--allowed-tools', 'warden__reverse'], {
    env: { HOME: home, WARDEN_DEV_CA_FILE: idp.caFile, ...env },
  });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

const appAuth = (clientId: string, extra: Record<string, unknown> = {}) => ({
  kind: 'client-credentials',
  clientId,
  tenantId: idp.tenantId,
  authorityHost: idp.authorityHost,
  scope: `${idp.apiAudience}/.default`,
  ...extra,
});

describe('warden -p with an Entra service principal (client-credentials)', () => {
  it('with a certificate: one app token, the call runs, nothing to approve interactively', async () => {
    const before = idp.stats().tokenRequests;
    const run = await runPrint(appAuth(CERT_APP, { certificateFile }));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('"ic olleh"');
    expect(idp.stats().tokenRequests - before).toBe(1);
    expect(idp.stats().deviceCodeRequests).toBe(0);
  });

  it('with a federated token file (AZURE_FEDERATED_TOKEN_FILE), as GitHub Actions writes it', async () => {
    const tokenFile = join(root, 'federated-token');
    const now = Math.floor(Date.now() / 1000);
    const federated = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(FEDERATION.issuer)
      .setSubject(FEDERATION.subject)
      .setAudience(TOKEN_EXCHANGE_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(platformKey);
    writeFileSync(tokenFile, `${federated}\n`);
    const run = await runPrint(appAuth(FEDERATED_APP), { AZURE_FEDERATED_TOKEN_FILE: tokenFile });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('"ic olleh"');
  });

  it('a certificate the provider does not know: one line with its reason, exit 1', async () => {
    const stranger = createSelfSignedCertificate('someone else', new Date(), 'rsa');
    const file = join(root, 'stranger.pem');
    writeFileSync(file, `${stranger.certPem}${stranger.keyPem}`, { mode: 0o600 });
    const run = await runPrint(appAuth(CERT_APP, { certificateFile: file }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid_client/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
