import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { ApprovalPanel } from './ApprovalPanel.js';

afterEach(() => cleanup());

const frame = (node: Parameters<typeof withProviders>[0]): string => render(withProviders(node)).lastFrame() ?? '';

describe('ApprovalPanel', () => {
  it('names the scope, this server and the server the token is bound to, and the keys', () => {
    const text = frame(
      <ApprovalPanel request={{ kind: 'scope-bound-elsewhere', scope: 'api://a/execute', server: 'http://b.test/mcp', boundTo: ['http://a.test/mcp'] }} answering={false} />,
    );
    expect(text).toContain('Send your token to this server?');
    expect(text).toContain('http://b.test/mcp asks for a token for api://a/execute.');
    expect(text).toContain('That token is bound to http://a.test/mcp');
    expect(text).toContain('y approve and remember · n send nothing');
  });

  it('names an untrusted identity provider host; the scope a server names cannot drive the terminal', () => {
    expect(frame(<ApprovalPanel request={{ kind: 'untrusted-authority', host: 'evil.test:8443', server: 'http://b.test/mcp' }} answering />)).toMatch(
      /http:\/\/b\.test\/mcp names evil\.test:8443, which is not a Microsoft Entra host[\s\S]*Recording your answer…/,
    );
    const hostile = frame(
      <ApprovalPanel
        request={{ kind: 'scope-bound-elsewhere', scope: 'api://a/\u001b]0;owned\u0007x', server: 'http://b.test/mcp', boundTo: ['http://a.test/mcp'] }}
        answering={false}
      />,
    );
    expect(hostile).not.toContain('\u0007');
    expect(hostile).not.toContain(']0;');
  });
});
