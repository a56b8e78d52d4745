import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printPrompt, signedInLine } from '../../agent/commands/login.js';
import type { CommandContext } from '../../agent/commands/context.js';
import { dirty, FORGED_LINE, TERMINAL_CONTROL } from '../helpers/hostile-text.js';

/** What `warden login` writes to stderr for a device code. */
function printed(prompt: Parameters<typeof printPrompt>[1]): string {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  printPrompt({ stderr } as unknown as CommandContext, prompt);
  return text;
}

describe('warden login output from a hostile identity provider', () => {
  it("prints the provider's message, link and code as terminal-safe single lines", () => {
    const text = printed({
      message: `${dirty('To sign in, open the page')}\n${FORGED_LINE}\r    Code:  FAKECODE`,
      verificationUri: dirty('https://evil.example/devicelogin'),
      verificationUriComplete: `${dirty('https://evil.example/x')}\nwarden: signed in`,
      userCode: dirty('WDNK7Q2P'),
      expiresIn: 900,
      expiresAt: Date.now() + 900_000,
      authorityHost: dirty('login.microsoftonline.com'),
    });
    expect(text).not.toMatch(TERMINAL_CONTROL);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Sign in with login.microsoftonline.com');
    expect(lines[1]).toBe(`warden: To sign in, open the page ${FORGED_LINE} Code: FAKECODE`);
    expect(lines).toContain('    Open:  https://evil.example/devicelogin');
    expect(lines).toContain('    Code:  WDNK7Q2P');
    expect(lines).toContain('    (or open https://evil.example/x warden: signed in — the code is filled in)');
    expect(lines.filter((l) => /^\s*Code:/.test(l))).toHaveLength(1);
  });

  it('prints the signed-in account as one terminal-safe line', () => {
    const line = signedInLine(
      {
        account: { username: dirty('mallory@evil.example'), name: `Mal\r${FORGED_LINE}`, tenantId: 'tid', homeAccountId: 'h' },
        scopes: ['api://x/execute'],
        expiresOn: new Date(Date.now() + 3_600_000),
      } as unknown as Parameters<typeof signedInLine>[0],
      Date.now(),
    );
    expect(line).not.toMatch(TERMINAL_CONTROL);
    expect(line).toMatch(/^Signed in as mallory@evil\.example \(Mal \[reverse#1\] ✓ 0\.0 s all good, tenant tid\), scopes api:\/\/x\/execute, token valid until /);
  });
});
