/**
 * Scopes a token grants: delegated scopes from `scp` (space-separated) and app roles from
 * `roles`. Nothing else counts — in particular not a generic `scope` claim, which Entra
 * never issues and which is therefore no evidence of consent.
 */
export function grantedScopes(claims: Record<string, unknown>): string[] {
  const granted = new Set<string>();
  const { scp, roles } = claims;
  if (typeof scp === 'string') scp.split(' ').filter(Boolean).forEach((s) => granted.add(s));
  for (const list of [scp, roles]) {
    if (Array.isArray(list)) list.filter((s): s is string => typeof s === 'string').forEach((s) => granted.add(s));
  }
  return [...granted];
}

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !granted.includes(scope));
}

/** The full scope strings a client should request for these scope names. */
export function requestableScopes(names: readonly string[], prefix: string | undefined): string[] {
  return names.map((name) => (prefix ? `${prefix}/${name}` : name));
}
