/** Scope parsing for the APIs this provider issues tokens for (one per request, as Entra's token endpoint). */

/** OpenID scopes that ride along with an API scope (MSAL always adds openid, profile, offline_access). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

export interface ApiResource {
  /** App ID URI, e.g. api://<guid>. */
  audience: string;
  /** The API app's id (the `aud` of v2 access tokens). */
  appId: string;
  /** Scope names it exposes, e.g. ['execute']. */
  scopeNames: string[];
}

export interface GrantedScopes {
  /** API scope names, as they appear in `scp`. */
  api: string[];
  /** OpenID scopes requested alongside (openid, profile, email, offline_access). */
  oidc: string[];
}

export class ScopeError extends Error {}

/**
 * `api://<app>/execute openid profile offline_access` → { api: ['execute'], oidc: [...] }.
 * `api://<app>/.default` means every scope of the API. Anything else is an invalid_scope.
 */
export function parseScopes(requested: string, resource: ApiResource): GrantedScopes {
  const api = new Set<string>();
  const oidc = new Set<string>();
  for (const scope of requested.split(' ').filter(Boolean)) {
    if ((OIDC_SCOPES as readonly string[]).includes(scope)) {
      oidc.add(scope);
      continue;
    }
    const slash = scope.lastIndexOf('/');
    const prefix = scope.slice(0, slash);
    const name = scope.slice(slash + 1);
    if (slash < 0 || (prefix !== resource.audience && prefix !== resource.appId)) {
      throw new ScopeError(`unknown scope "${scope}": this development provider issues tokens for ${resource.audience} only`);
    }
    if (name === '.default') resource.scopeNames.forEach((n) => api.add(n));
    else if (resource.scopeNames.includes(name)) api.add(name);
    else throw new ScopeError(`${resource.audience} has no scope "${name}" (it has: ${resource.scopeNames.join(', ')})`);
  }
  if (api.size === 0) throw new ScopeError(`request an API scope, e.g. ${resource.audience}/${resource.scopeNames[0] ?? 'execute'}`);
  return { api: [...api], oidc: [...oidc] };
}

/**
 * The API a request's first API scope names (`api://<app>/name` or `<app id>/name`); the primary
 * API when none is named. parseScopes then refuses scopes of a second API in the same request,
 * as Entra does (AADSTS28000: one resource per token).
 */
export function resourceFor(requested: string, apis: readonly ApiResource[]): ApiResource {
  for (const scope of requested.split(' ').filter(Boolean)) {
    const slash = scope.lastIndexOf('/');
    if (slash < 0) continue;
    const prefix = scope.slice(0, slash);
    const api = apis.find((a) => a.audience === prefix || a.appId === prefix);
    if (api) return api;
  }
  return apis[0] as ApiResource;
}

/** The `scope` of a token response: full API scopes first, then the OpenID ones. */
export function scopeString(granted: GrantedScopes, resource: ApiResource): string {
  return [...granted.api.map((n) => `${resource.audience}/${n}`), ...granted.oidc].join(' ');
}
