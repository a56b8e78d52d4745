import type { AccountInfo, Configuration, PublicClientApplication } from '@azure/msal-node';
import { discoverAuthority, readAuthorityMetadata, writeAuthorityMetadata } from './authority-metadata.js';
import type { LoginConfig } from './config.js';
import type { FileTokenCache } from './file-cache.js';
import { belongsTo, type CacheOwner } from './msal-cache.js';
import type { IdentityNetwork } from './network.js';

/**
 * The MSAL public client for one authority and client id: built lazily (MSAL costs ~200 ms to
 * load), offline from the cached discovery document where it can be, online after discovering
 * a custom authority afresh; and which cached account is this sign-in's.
 * Not responsible for tokens or errors (auth/login/index.ts and explain.ts are).
 */

export type Msal = typeof import('@azure/msal-node');

let msal: Msal | undefined;

/** MSAL loads on first need: a valid token read straight from the cache never pays for it. */
export async function loadMsal(): Promise<Msal> {
  return (msal ??= await import('@azure/msal-node'));
}

/** MSAL's module if something already loaded it (to recognise its errors), else undefined. */
export function loadedMsal(): Msal | undefined {
  return msal;
}

export interface MsalAppOptions {
  config: LoginConfig;
  cache: FileTokenCache;
  cachePath: string;
  network: IdentityNetwork;
  owner: CacheOwner;
  now: () => number;
  onWarning?: (line: string) => void;
}

export class MsalApp {
  private client: PublicClientApplication | undefined;
  private hasMetadata = false;

  constructor(private readonly options: MsalAppOptions) {}

  /** A client for cache-only work (accounts, sign-out): never touches the network. */
  async offline(): Promise<PublicClientApplication> {
    if (this.client) return this.client;
    const { config, cachePath, owner } = this.options;
    const metadata = owner.microsoft ? undefined : await readAuthorityMetadata(cachePath, config.authority);
    return this.build(await loadMsal(), metadata);
  }

  /** A client that can talk to the provider: a custom authority gets its discovery document (kept on disk). */
  async online(rediscover: boolean): Promise<PublicClientApplication> {
    const { config, cachePath, network, owner, now, onWarning } = this.options;
    if (owner.microsoft) return this.offline();
    if (!rediscover) {
      const client = await this.offline();
      if (this.hasMetadata) return client;
    }
    const metadata = await discoverAuthority(network, config.authority);
    await writeAuthorityMetadata(cachePath, config.authority, metadata, now()).catch((error: unknown) =>
      onWarning?.(`could not save the identity provider's metadata beside the token cache (${(error as Error).message})`),
    );
    return this.build(await loadMsal(), JSON.stringify(metadata));
  }

  /** The most recently signed-in account of this authority and tenant (newest ID token), if any. */
  async account(client: PublicClientApplication): Promise<AccountInfo | undefined> {
    const accounts = (await client.getTokenCache().getAllAccounts()).filter((a) => belongsTo(this.options.owner, { environment: a.environment, realm: a.tenantId }));
    const issuedAt = (a: AccountInfo): number => Number(a.idTokenClaims?.iat ?? 0);
    return accounts.sort((a, b) => issuedAt(b) - issuedAt(a))[0];
  }

  private build(m: Msal, metadata: string | undefined): PublicClientApplication {
    const { config, cache, network, owner } = this.options;
    const configuration: Configuration = {
      auth: {
        clientId: config.clientId,
        authority: config.authority,
        ...(!owner.microsoft && { knownAuthorities: [owner.environment] }),
        ...(metadata && { authorityMetadata: metadata }),
      },
      cache: { cachePlugin: cache },
      system: {
        networkClient: network,
        loggerOptions: { logLevel: m.LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    };
    this.hasMetadata = metadata !== undefined || owner.microsoft;
    this.client = new m.PublicClientApplication(configuration);
    return this.client;
  }
}
