/** RFC 9728 protected resource metadata: how a client finds out where to sign in for this server. */

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
}

export function protectedResourceMetadata(input: { resource: URL; authorizationServers: string[]; scopesSupported: string[]; resourceName: string }): ProtectedResourceMetadata {
  return {
    resource: input.resource.href,
    authorization_servers: input.authorizationServers,
    scopes_supported: input.scopesSupported,
    bearer_methods_supported: ['header'],
    resource_name: input.resourceName,
  };
}

/** The path-aware location (RFC 9728 §3.1) — what the 401 challenge advertises. */
export function metadataUrl(resource: URL): string {
  const path = resource.pathname.replace(/\/+$/, '');
  return new URL(`${WELL_KNOWN}${path}`, resource.origin).href;
}

/** Both places clients look: the path-aware one and the root one older clients probe. */
export function metadataPaths(resource: URL): string[] {
  const path = resource.pathname.replace(/\/+$/, '');
  return path ? [`${WELL_KNOWN}${path}`, WELL_KNOWN] : [WELL_KNOWN];
}
