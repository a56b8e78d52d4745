import { createSignInGate } from '../sign-in-gate.js';
import type { TokenMethod } from '../token-method.js';
import { loginConfig, withDefaults } from './entra.js';
import type { SignInKind } from './kind.js';
import { tokenSignIn } from './token-kind.js';

/**
 * The `client-credentials` kind: an Entra service principal signs in as itself (unattended, e.g.
 * -p in CI) with a certificate or a federated token file (auth/login/client-credentials.ts).
 * Everything is configured (the entry's `auth`, ENTRA_* for what it leaves out,
 * AZURE_FEDERATED_TOKEN_FILE); the Entra gate guards its tokens as it guards people's. Nothing is
 * cached on disk, so there is nothing to sign out of.
 */
export const clientCredentials: SignInKind = (settings, context) => {
  const method: TokenMethod = {
    followsChallenge: false,
    async resolve() {
      const complete = withDefaults(settings);
      const config = await loginConfig(complete);
      const { createClientCredentialsAuthenticator } = await import('../../../../auth/login/client-credentials.js');
      const authenticator = createClientCredentialsAuthenticator(
        {
          authorityHost: config.authorityHost,
          tenantId: config.tenantId,
          clientId: config.clientId,
          scope: config.apiScope,
          ...(settings.certificateFile && { certificateFile: settings.certificateFile.value }),
          ...(settings.federatedTokenFile && { federatedTokenFile: settings.federatedTokenFile.value }),
          ...(config.caPem && { caPem: config.caPem }),
        },
        context.authenticatorDeps.fetch ? { fetch: context.authenticatorDeps.fetch } : {},
      );
      return { authenticator, gate: createSignInGate({ settings: complete, approveRun: context.approveRun }) };
    },
  };
  return tokenSignIn(settings, context, {
    method,
    describe: async () => ({ signedIn: false, detail: `app ${settings.clientId?.value ?? '(no client id)'} signs in as itself on each run (nothing cached)` }),
  });
};
