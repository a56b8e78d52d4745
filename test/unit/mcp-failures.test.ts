import { describe, expect, it } from 'vitest';
import { classifyMcpError } from '../../agent/core/mcp/errors.js';

/** Which connect failures stay so (issue 24 §2): a server failing for good is not retried forever. */

const fetchFailed = (code: string, message: string): Error => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
const URL_ = 'http://mcp.example/mcp';

describe('classifyMcpError: permanent or worth retrying', () => {
  it('an unknown host, an untrusted certificate and a port fetch refuses are permanent', () => {
    expect(classifyMcpError(fetchFailed('ENOTFOUND', 'getaddrinfo ENOTFOUND mcp.example'), URL_)).toEqual({
      kind: 'unreachable',
      message: `cannot reach the MCP server at ${URL_} (host not found)`,
      permanent: true,
    });
    expect(classifyMcpError(fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), URL_)).toMatchObject({ permanent: true });
    expect(classifyMcpError(new TypeError('fetch failed', { cause: new Error('bad port') }), URL_)).toMatchObject({ kind: 'unreachable', permanent: true });
  });

  it('refused, timed out or a failed name lookup may pass: retried', () => {
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH']) {
      const failure = classifyMcpError(fetchFailed(code, code), URL_);
      expect(failure.kind).toBe('unreachable');
      expect(failure).not.toHaveProperty('permanent');
    }
  });
});
