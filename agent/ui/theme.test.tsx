import './testing/force-color.js';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginPanel } from './components/LoginPanel.js';
import { StatusBar } from './components/StatusBar.js';
import { Markdown } from './components/Markdown.js';
import { baseStatus, FakeEngine } from './testing/fake-engine.js';
import { ManualClock } from './testing/manual-clock.js';
import { renderApp, withProviders } from './testing/render.js';
import { colourTheme, monochromeTheme, themeFor, type Theme } from './theme.js';

afterEach(() => cleanup());

/** SGR colour parameters: 30–37, 39, 40–47, 49, 90–97, 100–107, and 38;…/48;… extended colours. */
const COLOUR = /\u001B\[(?:[\d;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[\d;]*)?m/;

async function screenWith(theme: Theme): Promise<string> {
  const clock = new ManualClock();
  const engine = new FakeEngine({ now: clock.now, status: { connection: { state: 'unreachable', error: 'ECONNREFUSED' } } });
  const app = await renderApp(engine, clock, { theme, columns: 100, rows: 40 });
  await app.send('reverse alpha beta gamma');
  const turn = engine.turns[0]!;
  turn.say('Some **bold** and `code`');
  const [a, b] = ['alpha', 'beta', 'gamma'].map((text) => turn.startCall('reverse', { text }));
  turn.progress(a!, { progress: 2, total: 5, message: 'step 2' });
  turn.finish(b!, 'oops', true);
  await app.advance(200, 100);
  const panels = [
    <LoginPanel
      key="l"
      prompt={{ authorityHost: 'x', userCode: 'ABCD1234', verificationUri: 'https://x', expiresIn: 1, expiresAt: 1, message: '' }}
      remainingMs={0}
      browser="opened"
      now={0}
    />,
    <StatusBar key="s" status={{ ...baseStatus, auth: { state: 'error', error: 'x' } }} now={0} mode="idle" canOpenBrowser={false} exitArmed columns={80} />,
    <Markdown key="m" text={'- item `code`\n```\nblock\n```'} width={80} />,
  ].map((node) => render(withProviders(node, { theme })).lastFrame() ?? '');
  return [app.lastFrame() ?? '', ...panels].join('\n');
}

describe('NO_COLOR', () => {
  it('picks the monochrome theme when NO_COLOR is set and not empty', () => {
    expect(themeFor({ NO_COLOR: '1' })).toBe(monochromeTheme);
    expect(themeFor({ NO_COLOR: '' })).toBe(colourTheme);
    expect(themeFor({})).toBe(colourTheme);
  });

  it('draws colour normally, and no colour codes at all with NO_COLOR', async () => {
    expect(await screenWith(colourTheme)).toMatch(COLOUR);
    const plain = await screenWith(monochromeTheme);
    expect(plain).not.toMatch(COLOUR);
    // Still readable without colour: focus, bars and the cursor use glyphs, bold and inverse.
    expect(plain).toContain('\u001B[7m');
    expect(plain.replace(/\u001B\[[\d;]*m/g, '')).toContain('████████░░░░░░░░░░░░ 2/5  40%');
  });
});
