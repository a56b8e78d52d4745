import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ConfidentialClientApplication, Configuration } from '@azure/msal-node';
import { redacted } from './access-token.js';
import { discoverAuthority } from './authority-metadata.js';
import { msalKnowsEndpoints } from './authority.js';
import { explainSignInError } from './explain.js';
import { loadedMsal, loadMsal } from './msal-app.js';
import { createIdentityNetwork, type LoginFetch } from './network.js';
import { SignInFailedError, type AccessToken, type Authenticator } from './types.js';

/**
 * Unattended sign-in of an Entra service principal (the `client-credentials` auth kind, for -p in
 * CI): MSAL's ConfidentialClientApplication with a certificate (MSAL signs the private_key_jwt
 * client assertion) or a federated token file (AZURE_FEDERATED_TOKEN_FILE, as GitHub Actions and
 * Kubernetes workload identity provide; read afresh for each token, since it rotates).
 * Not responsible for people (no device code, no account, nothing cached on disk: MSAL keeps the
 * app token in memory, and a new process asks again).
 */

export interface ClientCredentialsConfig {
  /** https://host[:port]. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  /** The API's `.default` scope, e.g. api://<server-app-id>/.default. */
  scope: string;
  /** A PEM file holding the certificate and its private key (as AZURE_CLIENT_CERTIFICATE_PATH). */
  certificateFile?: string;
  /** A file holding the federated token (rotated by the platform). */
  federatedTokenFile?: string;
  /** A CA trusted for the authority host only (the dev identity provider's certificate). */
  caPem?: string;
}

/** The `clientCertificate` MSAL wants, from one PEM file with the certificate and the key. */
async function certificateCredential(file: string): Promise<NonNullable<Configuration['auth']['clientCertificate']>> {
  const pem = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new SignInFailedError(`cannot read the certificate file ${file} (${error.code ?? error.message})`);
  });
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const privateKey = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!certPem || !privateKey) throw new SignInFailedError(`${file} must hold a PEM certificate and its private key`);
  const thumbprintSha256 = new X509Certificate(certPem).fingerprint256.replace(/:/g, '');
  return { thumbprintSha256, privateKey, x5c: certPem };
}

export function createClientCredentialsAuthenticator(config: ClientCredentialsConfig, deps: { fetch?: LoginFetch } = {}): Authenticator {
  const host = new URL(config.authorityHost).host;
  const microsoft = msalKnowsEndpoints(config.authorityHost);
  const authority = `${config.authorityHost}/${config.tenantId}`;
  const network = createIdentityNetwork({ authorityHost: config.authorityHost, ...(config.caPem && { caPem: config.caPem }), ...(deps.fetch && { fetch: deps.fetch }) });
  const federatedTokenFile = config.federatedTokenFile;
  let app: Promise<ConfidentialClientApplication> | undefined;

  const build = async (): Promise<ConfidentialClientApplication> => {
    const msal = await loadMsal();
    const credential: Pick<Configuration['auth'], 'clientCertificate' | 'clientAssertion'> = config.certificateFile
      ? { clientCertificate: await certificateCredential(config.certificateFile) }
      : federatedTokenFile
        ? { clientAssertion: async () => (await readFile(federatedTokenFile, 'utf8')).trim() }
        : {};
    if (!credential.clientCertificate && !credential.clientAssertion)
      throw new SignInFailedError('client-credentials needs certificateFile or a federated token file (AZURE_FEDERATED_TOKEN_FILE)');
    const metadata = microsoft ? undefined : JSON.stringify(await discoverAuthority(network, authority));
    return new msal.ConfidentialClientApplication({
      auth: { clientId: config.clientId, authority, ...(!microsoft && { knownAuthorities: [host] }), ...(metadata && { authorityMetadata: metadata }), ...credential },
      system: { networkClient: network, loggerOptions: { logLevel: msal.LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
    });
  };

  const acquire = async (options: { forceRefresh?: boolean; claims?: string } = {}): Promise<AccessToken> => {
    try {
      const cca = await (app ??= build().catch((error: unknown) => {
        app = undefined;
        throw error;
      }));
      const result = await cca.acquireTokenByClientCredential({
        scopes: [config.scope],
        skipCache: options.forceRefresh === true,
        ...(options.claims !== undefined && { claims: options.claims }),
      });
      if (!result?.accessToken) throw new SignInFailedError('the identity provider returned no access token');
      return redacted({
        accessToken: result.accessToken,
        expiresOn: result.expiresOn ?? new Date(Date.now() + 300_000),
        scopes: [config.scope],
        // An app signs in as itself: its client id is what the status shows.
        account: { username: config.clientId, tenantId: result.tenantId || config.tenantId, homeAccountId: '' },
      });
    } catch (error) {
      throw explainSignInError(error, { host, microsoft, msal: loadedMsal() });
    }
  };

  return {
    acquireTokenSilently: acquire,
    // Nobody to ask: "signing in" is getting an app token.
    signIn: () => acquire(),
    signOut: async () => undefined,
    currentAccount: async () => undefined,
  };
}
