import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSignInLinks, foreignLinkWarning, openableLink } from '../../auth/login/sign-in-link.js';
import { browserCommand, browserOpener } from '../../agent/ui/browser.js';

/** Issue 21 §6: which links an identity provider may have shown and opened, and how another host is named. */

const root = mkdtempSync(join(tmpdir(), 'warden-sign-in-link-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sign-in links', () => {
  it('only https:, or http: on loopback, without userinfo, is a link', () => {
    for (const ok of ['https://login.example/device', 'http://127.0.0.1:4000/device', 'http://localhost:8/x', 'http://[::1]:9/y']) expect(openableLink(ok)?.href).toBeTruthy();
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://login.example/device',
      'ms-settings:',
      'https://user:pw@login.example/',
      'not a url',
      'http://127.0.0.1.evil.example/',
    ])
      expect(openableLink(bad)).toBeUndefined();
  });

  it('names the host when the page is not the identity provider’s; Microsoft’s device pages count as Entra’s own', () => {
    expect(checkSignInLinks('127.0.0.1:4000', 'https://microsoft.com/devicelogin')).toEqual({ verificationUri: 'https://microsoft.com/devicelogin', linkHost: 'microsoft.com' });
    expect(checkSignInLinks('https://login.microsoftonline.com', 'https://microsoft.com/devicelogin')).toEqual({ verificationUri: 'https://microsoft.com/devicelogin' });
    expect(checkSignInLinks('login.microsoftonline.com', 'https://login.microsoft.com/device')).toEqual({ verificationUri: 'https://login.microsoft.com/device' });
    expect(checkSignInLinks('login.microsoftonline.com', 'https://microsoft.com.evil.example/devicelogin')?.linkHost).toBe('microsoft.com.evil.example');
    expect(checkSignInLinks('as.example', 'file:///etc/passwd')).toBeUndefined();
  });

  it('keeps the complete link only when it is openable and on the page’s own origin', () => {
    const page = 'https://as.example/device';
    expect(checkSignInLinks('as.example', page, `${page}?user_code=AB`)?.verificationUriComplete).toBe(`${page}?user_code=AB`);
    expect(checkSignInLinks('as.example', page, 'file:///etc/passwd')).toEqual({ verificationUri: page });
    expect(checkSignInLinks('as.example', page, 'https://evil.example/device?user_code=AB')).toEqual({ verificationUri: page });
  });

  it('the warning says both hosts and what not to do, for a code and for a browser sign-in', () => {
    expect(foreignLinkWarning({ authorityHost: 'as.example', userCode: 'AB', linkHost: 'microsoft.com' })).toBe(
      'Careful: this link goes to microsoft.com, not to as.example (the sign-in server). Enter the code there only if you expected that site.',
    );
    expect(foreignLinkWarning({ authorityHost: 'as.example', linkHost: 'evil.example' })).toMatch(/Sign in there only if/);
    expect(foreignLinkWarning({ authorityHost: 'as.example' })).toBeUndefined();
  });
});

describe('the browser opener', () => {
  it('hands only https: or loopback http: links to the browser; anything else is refused before a program runs', async () => {
    const record = join(root, 'opened.txt');
    const script = join(root, 'browser.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${record}'\n`);
    chmodSync(script, 0o755);
    const open = browserOpener({ BROWSER: script }, 'linux');
    if (!open) throw new Error('BROWSER names a program: an opener is expected');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'http://evil.example/x', '--help'])
      await expect(open(bad)).rejects.toThrow(/not opening (a [a-z-]+: link|no valid link) \(only https:, or http: on this computer, is opened\)/);
    expect(existsSync(record)).toBe(false);
    await open('https://as.example/device?a=1&b=2');
    await expect.poll(() => existsSync(record) && readFileSync(record, 'utf8')).toBe('https://as.example/device?a=1&b=2\n');
  });

  it('on Windows the URL goes to the URL handler as one argument, never through cmd (which splits at &)', () => {
    expect(browserCommand({}, 'win32')).toEqual(['rundll32', 'url.dll,FileProtocolHandler']);
    expect(browserCommand({ BROWSER: 'none' }, 'linux')).toBeUndefined();
  });
});
