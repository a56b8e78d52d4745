import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { withProviders } from '../testing/render.js';
import { LoginPanel, spacedCode } from './LoginPanel.js';
import { dirty, TERMINAL_CONTROL } from '../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const prompt = {
  authorityHost: 'localhost:5555',
  userCode: 'WDNK7Q2P',
  verificationUri: 'https://localhost:5555/devicelogin',
  expiresIn: 900,
  expiresAt: 900_000,
  message: 'To sign in, open https://localhost:5555/devicelogin and enter WDNK7Q2P',
};

describe('LoginPanel', () => {
  it('spaces the code out in two groups', () => {
    expect(spacedCode('WDNK7Q2P')).toBe('W D N K  -  7 Q 2 P');
    expect(spacedCode('ABC-123')).toBe('A B C - 1 2 3');
  });

  it('shows the link, the large code, the countdown and the keys', () => {
    const frame = render(withProviders(<LoginPanel prompt={prompt} remainingMs={14 * 60_000 + 32_000} browser="ready" now={0} />)).lastFrame() ?? '';
    expect(frame).toContain('Sign in to use the MCP server');
    // The identity provider's host, plainly, before any link or code.
    expect(frame.indexOf('Sign in with localhost:5555')).toBeGreaterThan(-1);
    expect(frame.indexOf('Sign in with localhost:5555')).toBeLessThan(frame.indexOf('1. Open'));
    expect(frame).toContain('1. Open https://localhost:5555/devicelogin');
    expect(frame).toContain('W D N K  -  7 Q 2 P');
    expect(frame).toContain('Press o to open it in your browser.');
    expect(frame).toContain('Code expires in 14:32 · Esc cancels');
  });

  it('says when there is no browser, when it opened one, and when the code expired', () => {
    const panel = (browser: 'unavailable' | 'opened', remainingMs: number) =>
      render(withProviders(<LoginPanel prompt={prompt} remainingMs={remainingMs} browser={browser} now={0} />)).lastFrame() ?? '';
    expect(panel('unavailable', 1000)).toContain('No browser here: open the link on any device.');
    expect(panel('opened', 1000)).toContain('Opened in your browser');
    expect(panel('opened', 0)).toContain('The code expired. Press Esc, then type /login for a new one.');
  });

  it('points at a command printed above it, once, and says "no browser" once', () => {
    const frame = render(withProviders(<LoginPanel prompt={prompt} remainingMs={1000} browser="unavailable" now={0} commandAbove />)).lastFrame() ?? '';
    const flat = frame.replace(/[│\s]+/g, ' ');
    expect(flat).toContain('Or approve from a shell with the curl command printed above.');
    expect(flat.match(/no browser/gi)).toHaveLength(1);
  });

  it('a browser sign-in (no user code): the host first, then the link alone, and a link countdown', () => {
    const { userCode: _none, ...browserPrompt } = { ...prompt, verificationUri: 'http://127.0.0.1:7777/auth?client_id=w&state=s' };
    const frame = render(withProviders(<LoginPanel prompt={browserPrompt} remainingMs={9 * 60_000} browser="unavailable" now={0} />)).lastFrame() ?? '';
    const flat = frame.replace(/[│\s]+/g, ' ');
    expect(flat.indexOf('Sign in with localhost:5555')).toBeGreaterThan(-1);
    expect(flat.indexOf('Sign in with localhost:5555')).toBeLessThan(flat.indexOf('http://127.0.0.1:7777/auth?client_id=w&state=s'));
    expect(flat).toContain('Open this link in a browser on this computer');
    expect(flat).not.toContain('Enter this code');
    expect(flat).not.toContain('undefined');
    expect(flat).toContain('Link expires in 9:00');
  });

  it('says plainly, under the link, when the page is not on the sign-in server’s host', () => {
    const away = { ...prompt, verificationUri: 'https://microsoft.com/devicelogin', linkHost: 'microsoft.com' };
    const flat = (render(withProviders(<LoginPanel prompt={away} remainingMs={1000} browser="ready" now={0} />)).lastFrame() ?? '').replace(/[│\s]+/g, ' ');
    const warning = 'Careful: this link goes to microsoft.com, not to localhost:5555 (the sign-in server). Enter the code there only if you expected that site.';
    expect(flat).toContain(warning);
    expect(flat.indexOf('1. Open https://microsoft.com/devicelogin')).toBeLessThan(flat.indexOf(warning));
    expect(flat.indexOf(warning)).toBeLessThan(flat.indexOf('2. Enter this code'));
    expect(render(withProviders(<LoginPanel prompt={prompt} remainingMs={1000} browser="ready" now={0} />)).lastFrame() ?? '').not.toContain('Careful');
  });

  it('waits for the code with a spinner', () => {
    const frame = render(withProviders(<LoginPanel prompt={undefined} remainingMs={0} browser="ready" now={0} />)).lastFrame();
    expect(frame).toContain('⠋ Asking the identity provider for a sign-in code… (Esc cancels)');
  });

  it("shows a hostile identity provider's link and code without controls", () => {
    const hostile = {
      ...prompt,
      userCode: dirty('WDNK7Q2P'),
      verificationUri: dirty('https://evil.example/devicelogin'),
      verificationUriComplete: dirty('https://evil.example/x'),
    };
    for (const browser of ['ready', 'failed'] as const) {
      const frame = render(withProviders(<LoginPanel prompt={hostile} remainingMs={1000} browser={browser} now={0} />)).lastFrame() ?? '';
      expect(frame).not.toMatch(TERMINAL_CONTROL);
      expect(frame).toContain('1. Open https://evil.example/devicelogin');
      expect(frame).toContain('W D N K  -  7 Q 2 P');
    }
  });
});
