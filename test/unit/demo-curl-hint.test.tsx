import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { approveWithCurl } from '../../agent/commands/demo.js';
import { TranscriptItemView } from '../../agent/ui/components/TranscriptItemView.js';
import { withProviders } from '../../agent/ui/testing/render.js';

afterEach(() => cleanup());

const home = '/home/alice-longer-name';
const caFile = `${home}/.config/warden/demo/idp/tls-cert.pem`;
const prompt = { authorityHost: 'localhost:43219', userCode: 'BCDF-GHJK', verificationUri: 'https://localhost:43219/devicelogin', expiresIn: 900, expiresAt: 900_000, message: '' };

describe("the demo's curl command for approving a device code", () => {
  it('is printed above the panel as one line however narrow the terminal, never inside a border', () => {
    const [label = '', command = ''] = approveWithCurl(prompt, caFile, home).split('\n');
    expect(command).toBe('curl https://localhost:43219/devicelogin --cacert ~/.config/warden/demo/idp/tls-cert.pem -d user_code=BCDF-GHJK');
    const frame = render(withProviders(<TranscriptItemView item={{ kind: 'copy', label, text: command, id: 1 }} previous={undefined} columns={80} />)).lastFrame() ?? '';
    const rows = frame.split('\n').map((row) => row.trimEnd());
    expect(rows).toEqual(['To approve without a browser, run this in a shell on this machine:', command]);
    expect(frame).not.toContain('│');
  });

  it('gives a path that needs quoting in full, quoted (a quoted ~ would not expand)', () => {
    const odd = '/srv/warden demo/idp/tls-cert.pem';
    expect(approveWithCurl(prompt, odd, '/srv')).toContain(`--cacert '${odd}' `);
  });
});
