import { Box } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { approveWithCurl } from '../../agent/commands/demo.js';
import { LoginPanel } from '../../agent/ui/components/LoginPanel.js';
import { withProviders } from '../../agent/ui/testing/render.js';

afterEach(() => cleanup());

const home = '/home/alice-longer-name';
const caFile = `${home}/.config/warden/demo/idp/tls-cert.pem`;
const prompt = { authorityHost: 'localhost:43219', userCode: 'BCDF-GHJK', verificationUri: 'https://localhost:43219/devicelogin', expiresIn: 900, expiresAt: 900_000, message: '' };

/** The panel's rows at a terminal width, border and padding removed. */
function panelRows(hint: string, columns: number): string[] {
  const frame =
    render(
      withProviders(
        <Box width={columns}>
          <LoginPanel prompt={prompt} remainingMs={60_000} browser="unavailable" now={0} hint={hint} />
        </Box>,
      ),
    ).lastFrame() ?? '';
  return frame.split('\n').map((row) => row.replace(/^[│╭╰]\s?|\s?[│╮╯]$/g, '').trim());
}

describe("the demo's curl line under the device code", () => {
  it('is one row of the panel at 120 columns, so it copies as one command', () => {
    const hint = approveWithCurl(prompt, caFile, home);
    const command = hint.split('\n')[1]!;
    expect(command).toBe('curl https://localhost:43219/devicelogin --cacert ~/.config/warden/demo/idp/tls-cert.pem -d user_code=BCDF-GHJK');
    const rows = panelRows(hint, 120);
    expect(rows).toContain('No browser? Approve from a shell:');
    expect(rows).toContain(command);
  });

  it('gives a path that needs quoting in full, quoted (a quoted ~ would not expand)', () => {
    const odd = '/srv/warden demo/idp/tls-cert.pem';
    expect(approveWithCurl(prompt, odd, '/srv')).toContain(`--cacert '${odd}' `);
  });
});
