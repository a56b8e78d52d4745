/**
 * Scopes a token grants: delegated scopes from `scp` (space-separated) and app roles from
 * `roles`. Nothing else counts for Entra — in particular not a generic `scope` claim, which
 * Entra never issues and which is therefore no evidence of consent; only tokens of a generic
 * authorization server (`rfc9068`) are read for RFC 9068's `scope`.
 */
export function grantedScopes(claims: Record<string, unknown>, style: 'entra' | 'rfc9068' = 'entra'): string[] {
  const granted = new Set<string>();
  const { scp, roles, scope } = claims;
  if (typeof scp === 'string')
    scp
      .split(' ')
      .filter(Boolean)
      .forEach((s) => granted.add(s));
  // RFC 9068 §2.2.3: a generic authorization server's JWT access tokens carry `scope`.
  if (style === 'rfc9068' && typeof scope === 'string')
    scope
      .split(' ')
      .filter(Boolean)
      .forEach((s) => granted.add(s));
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
