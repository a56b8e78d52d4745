import { Box, Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ToolCallRegistry } from '../core/tool-calls/registry.js';
import type { ToolCallRecord } from '../core/tool-calls/types.js';
import { ApprovalPanel, approvalPanelRows, type ApprovalPanelProps } from './components/ApprovalPanel.js';
import { LoginPanel, loginPanelRows, type LoginPanelProps } from './components/LoginPanel.js';
import { layoutLiveRegion } from './layout.js';
import { WrappedText } from './components/Wrapped.js';
import { wrappedRows } from './text-rows.js';
import { withProviders } from './testing/render.js';

afterEach(() => cleanup());

/** Rows a node really draws `columns` wide. */
function drawnRows(node: React.ReactElement, columns: number): number {
  const frame =
    render(
      withProviders(
        <Box width={columns} flexDirection="column">
          {node}
        </Box>,
      ),
    ).lastFrame() ?? '';
  return frame.split('\n').length;
}

const WIDTHS = [24, 40, 57, 80, 100];

/** A small seeded generator, so a failing random line can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Lines of words whose lengths often land exactly on a row's end, with runs of spaces and words longer than a row. */
function randomLines(count: number, seed: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 1 + Math.floor(next() * 14) }, () => 'x'.repeat(1 + Math.floor(next() * (next() < 0.1 ? 60 : 12))));
    return words.map((w, i) => (i === 0 ? w : `${next() < 0.1 ? '  ' : ' '}${w}`)).join('');
  });
}

describe('wrappedRows counts rows as Ink wraps text', () => {
  const texts = [
    '',
    'short',
    'No browser here: open the link on any device.',
    'curl https://localhost:40329/devicelogin --cacert ~/.config/warden/demo/idp/tls-cert.pem -d user_code=QWDH-PMCP',
    'a-very-long-word-without-any-spaces-that-must-be-broken-by-hard-wrapping-somewhere-in-the-middle ok',
    'two  spaces   and   more   between words that go on and on and on and on',
    'line one\nline two is a little longer than the first one',
  ];
  for (const columns of WIDTHS) {
    it(`${columns} columns`, () => {
      for (const text of texts) expect(wrappedRows(text, columns), JSON.stringify(text)).toBe(drawnRows(<Text>{text}</Text>, columns));
    });
  }

  it('on 120 random lines at widths from 8 to 41 (row ends hit exactly, words longer than a row)', () => {
    const lines = randomLines(120, 7);
    for (const [i, line] of lines.entries()) {
      const columns = 8 + (i % 34);
      expect(wrappedRows(line, columns), `${columns} columns: ${JSON.stringify(line)}`).toBe(drawnRows(<Text>{line}</Text>, columns));
    }
  });
});

describe('Wrapped draws the rows wrappedRows counts, none starting with the space of a break', () => {
  it('on 120 random lines', () => {
    const lines = randomLines(120, 11);
    for (const [i, line] of lines.entries()) {
      const columns = 8 + (i % 34);
      const frame = render(withProviders(<WrappedText text={line} width={columns} />)).lastFrame() ?? '';
      const rows = frame.split('\n');
      expect(rows.length, `${columns} columns: ${JSON.stringify(line)}`).toBe(wrappedRows(line, columns));
      expect(rows.slice(1).filter((row) => row.startsWith(' ') && row.trim() !== '')).toEqual([]);
      expect(rows.every((row) => [...row].length <= columns)).toBe(true);
    }
  });
});

const prompt = {
  authorityHost: 'localhost:40329',
  userCode: 'QWDH-PMCP',
  verificationUri: 'https://localhost:40329/devicelogin',
  verificationUriComplete: 'https://localhost:40329/devicelogin?code=QWDH-PMCP',
  expiresIn: 900,
  expiresAt: 900_000,
  message: '',
};

describe('panels report the rows they draw', () => {
  const logins: LoginPanelProps[] = [
    { prompt: undefined, remainingMs: 0, browser: 'ready', now: 0 },
    { prompt, remainingMs: 60_000, browser: 'ready', now: 0 },
    { prompt, remainingMs: 60_000, browser: 'unavailable', now: 0, commandAbove: true },
    { prompt, remainingMs: 0, browser: 'failed', now: 0 },
    { prompt: { ...prompt, verificationUri: `https://login.example.com/${'x'.repeat(150)}` }, remainingMs: 1, browser: 'opened', now: 0, commandAbove: true },
    // A page on another host than the sign-in server's: the warning's rows count too.
    { prompt: { ...prompt, verificationUri: 'https://microsoft.com/devicelogin', linkHost: 'microsoft.com' }, remainingMs: 60_000, browser: 'ready', now: 0 },
  ];
  const approvals: ApprovalPanelProps[] = [
    { request: { kind: 'scope-bound-elsewhere', scope: 'api://a/execute', server: 'http://127.0.0.1:2/mcp', boundTo: ['http://127.0.0.1:1/mcp'] }, answering: false },
    {
      request: {
        kind: 'scope-bound-elsewhere',
        scope: `api://${'b'.repeat(90)}/execute`,
        server: 'https://tickets.example.com/mcp',
        boundTo: ['https://a.example/mcp', 'https://b.example/mcp'],
      },
      answering: true,
    },
    { request: { kind: 'untrusted-authority', server: 'https://mcp.example.com/mcp', host: 'login.evil.example' }, answering: false },
  ];
  for (const columns of WIDTHS) {
    it(`${columns} columns`, () => {
      for (const [i, props] of logins.entries()) expect(loginPanelRows(props, columns), `login ${i}`).toBe(drawnRows(<LoginPanel {...props} />, columns));
      for (const [i, props] of approvals.entries()) expect(approvalPanelRows(props, columns), `approval ${i}`).toBe(drawnRows(<ApprovalPanel {...props} />, columns));
    });
  }
});

describe('layoutLiveRegion', () => {
  const registry = new ToolCallRegistry();
  const call = (id: string): ToolCallRecord => registry.start('reverse', { text: id }, { id }).record;

  it('keeps the live region one row short of the terminal, however little room the panels leave', () => {
    const running = ['a', 'b', 'c'].map(call);
    for (const rows of [12, 24, 40]) {
      for (const panelRows of [0, 9, 16]) {
        const region = layoutLiveRegion({ rows, bottomRows: 6, panelRows, questionRows: 0, streaming: true, running, focusedId: 'b' });
        // The streaming text takes its margin, a "…" line and liveRows - 1 lines at most.
        const live = region.liveRows > 0 ? 1 + region.liveRows : 0;
        // Panels taller than the terminal are beyond help; everything else must fit.
        if (panelRows + 6 > rows - 1) continue;
        expect(region.groupHeight + live + panelRows + 6, `${rows} rows, panels ${panelRows}`).toBeLessThanOrEqual(rows - 1);
      }
    }
    // Too little room: calls and text wait off screen while the panel shows.
    const cramped = layoutLiveRegion({ rows: 24, bottomRows: 6, panelRows: 16, questionRows: 0, streaming: true, running, focusedId: 'b' });
    expect(cramped).toMatchObject({ groupHeight: 0, liveRows: 0, group: { visible: [], hidden: 3 } });
  });

  it('shows each part where it just fits: text at its two rows, a call in its one row, a question as one line in two', () => {
    const none = { bottomRows: 6, panelRows: 0, questionRows: 0, streaming: false, running: [], focusedId: undefined };
    // 10 rows: 3 free, one a margin: streaming text gets exactly its least (2 rows), not nothing.
    expect(layoutLiveRegion({ ...none, rows: 10, streaming: true }).liveRows).toBe(2);
    expect(layoutLiveRegion({ ...none, rows: 9, streaming: true }).liveRows).toBe(0);
    // 9 rows: 2 free, one a margin: a running call shows as one line.
    const one = layoutLiveRegion({ ...none, rows: 9, running: [call('a')], focusedId: 'a' });
    expect(one.group.visible.map((r) => r.id)).toEqual(['a']);
    expect(one.groupHeight).toBe(2);
    // A question whose panel does not fit: one line where two rows are free, else hidden.
    const asking = { ...none, questionRows: 10, running: [call('q')], focusedId: 'q' };
    expect(layoutLiveRegion({ ...asking, rows: 9 })).toMatchObject({ question: 'line', groupHeight: 2 });
    expect(layoutLiveRegion({ ...asking, rows: 8 })).toMatchObject({ question: 'hidden', groupHeight: 0 });
    // Beside that line, text again gets its two rows where they are free.
    expect(layoutLiveRegion({ ...asking, rows: 12, streaming: true })).toMatchObject({ question: 'line', liveRows: 2 });
  });

  it('gives streaming text the rows calls leave', () => {
    const none = layoutLiveRegion({ rows: 30, bottomRows: 6, panelRows: 0, questionRows: 0, streaming: true, running: [], focusedId: undefined });
    expect(none.groupHeight).toBe(0);
    expect(none.liveRows).toBe(30 - 1 - 6 - 1);
    const some = layoutLiveRegion({ rows: 30, bottomRows: 6, panelRows: 0, questionRows: 0, streaming: true, running: [call('a')], focusedId: 'a' });
    expect(some.groupHeight).toBeGreaterThan(0);
    expect(some.liveRows).toBe(none.liveRows - some.groupHeight);
  });
});
