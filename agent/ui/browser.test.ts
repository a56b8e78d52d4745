import { describe, expect, it } from 'vitest';
import { browserCommand, browserOpener } from './browser.js';

describe('browserCommand', () => {
  it('uses the platform opener, BROWSER when set, and nothing on a headless Linux box', () => {
    expect(browserCommand({}, 'darwin')).toEqual(['open']);
    // Not cmd /c start, which would take a URL's & for the start of another command.
    expect(browserCommand({}, 'win32')).toEqual(['rundll32', 'url.dll,FileProtocolHandler']);
    expect(browserCommand({ DISPLAY: ':0' }, 'linux')).toEqual(['xdg-open']);
    expect(browserCommand({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toEqual(['xdg-open']);
    expect(browserCommand({ SSH_CONNECTION: '1 2 3 4' }, 'linux')).toBeUndefined();
    expect(browserCommand({ BROWSER: 'firefox' }, 'linux')).toEqual(['firefox']);
    expect(browserCommand({ BROWSER: 'none', DISPLAY: ':0' }, 'darwin')).toBeUndefined();
  });

  it('offers no opener when there is no browser, and rejects when the command is missing', async () => {
    expect(browserOpener({}, 'linux')).toBeUndefined();
    const open = browserOpener({ BROWSER: '/nonexistent/warden-test-browser' }, 'linux');
    await expect(open?.('https://example.test')).rejects.toThrow(/ENOENT/);
  });
});
