import type { AuthInfo } from '@modelcontextprotocol/server';

/** Everyone without a token (public tools, --no-auth) is this one caller: they share its quotas. */
export const ANONYMOUS = 'anonymous';

/** Who a request acts for, as a key for per-caller quotas: tenant, subject and client app of a verified token. */
export function principalOf(auth: AuthInfo | undefined): string {
  if (!auth) return ANONYMOUS;
  const { subject, tenantId } = (auth.extra ?? {}) as { subject?: string; tenantId?: string };
  return `${tenantId ?? ''}/${subject ?? ''}/${auth.clientId}`;
}
