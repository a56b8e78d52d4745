import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProcessIo } from '../../config/process-io.js';
import type { SessionStatus } from '../core/engine-types.js';
import { runTui } from './run.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTtyIn } from './testing/fake-tty.js';
import { settle } from './testing/render.js';

/**
 * The chat's live region must stay shorter than the terminal: once it is as tall, Ink clears the
 * screen and its scrollback on every frame. Drawn on a fake terminal exactly as `warden` draws,
 * the tallest screens (panels with long outside text, narrow terminals) must never clear it.
 */

/** Ink clears the terminal and its scrollback with this (ansi-escapes' clearTerminal). */
const CLEAR_SCROLLBACK = '\u001B[3J';

class TtyOut extends EventEmitter {
  isTTY = true;
  output = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write(chunk: string): boolean {
    this.output += chunk;
    return true;
  }
}

beforeAll(() => {
  // Ink patches console through `new console.Console(…)`, which vitest's console object lacks.
  if (!('Console' in console)) Object.defineProperty(console, 'Console', { value: Console, configurable: true });
});

/** A turn that fills every row it is given: long streaming text and three running calls. */
async function busyTurn(engine: FakeEngine, stdin: FakeTtyIn): Promise<void> {
  stdin.type('reverse alpha, beta and gamma\r');
  await settle();
  const turn = engine.turns[0]!;
  for (const text of ['alpha', 'beta', 'gamma']) turn.startCall('reverse', { text });
  // One paragraph still streaming: it stays in the live region, cut to the rows it is given.
  turn.say(Array.from({ length: 40 }, (_, i) => `Sentence ${i} of a long answer that keeps streaming in.`).join(' '));
}

async function screens(columns: number, rows: number, status: Partial<SessionStatus>, hint?: string): Promise<string> {
  const stdin = new FakeTtyIn();
  const stdout = new TtyOut(columns, rows);
  const shutdown = new AbortController();
  const ctx = { env: {}, stdin, stdout, stderr: new TtyOut(columns, rows), shutdownSignal: shutdown.signal } as unknown as ProcessIo;
  const engine = new FakeEngine();
  const done = runTui(engine, ctx, hint ? { signInHint: () => hint } : {});
  await settle();
  await busyTurn(engine, stdin);
  engine.setStatus(status);
  await settle();
  // More frames with the same screen: Ink decides to clear from the height of the frame before.
  for (let i = 0; i < 3; i++) {
    engine.setStatus({ ...status });
    await settle();
  }
  shutdown.abort();
  await done;
  return stdout.output;
}

const prompt = {
  authorityHost: 'localhost:40329',
  userCode: 'QWDH-PMCP',
  verificationUri: 'https://localhost:40329/devicelogin',
  expiresIn: 900,
  expiresAt: Date.now() + 900_000,
  message: '',
};
const hint = 'No browser? Approve from a shell:\ncurl https://localhost:40329/devicelogin --cacert ~/.config/warden/demo/idp/tls-cert.pem -d user_code=QWDH-PMCP';

describe('the live region never fills the terminal', () => {
  it('with the sign-in panel and the demo curl hint on a narrow terminal', async () => {
    const output = await screens(60, 24, { connection: { state: 'sign-in-needed', reason: 'no token' }, auth: { state: 'signing-in', prompt } }, hint);
    expect(output).toContain('Approve from a shell');
    expect(output).not.toContain(CLEAR_SCROLLBACK);
  });

  it('with a token approval whose server names wrap, at 80×24', async () => {
    const request = {
      kind: 'scope-bound-elsewhere' as const,
      scope: 'api://00000000-de70-4000-8000-000000000003/execute',
      server: 'https://tickets.internal.example.com/mcp',
      boundTo: ['https://mcp.example.com/mcp', 'https://other.example.com/mcp', 'https://third.example.com/mcp', 'https://fourth.example.com/mcp'],
    };
    const output = await screens(80, 24, { connection: { state: 'sign-in-needed', reason: 'approval' }, auth: { state: 'approval-needed', request } });
    expect(output).toContain('Send your token to this server?');
    expect(output).not.toContain(CLEAR_SCROLLBACK);
  });
});
