/**
 * Child process for the many-tools benchmark: the real chat TUI on a fake terminal with one stdio
 * server listing TOOL_COUNT tools; types `/tools` and the next pages, then reads memory after gc.
 *
 *   node --expose-gc tools-child.js '{"server": "<many-tools-server.mjs>", "tools": 3000, "pages": 5}'
 *     → one JSON line {rssBytes, heapUsedBytes, idleRssBytes, listed} on stdout
 */
import { homedir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { FakeTtyIn, FakeTtyOut } from './fake-terminal.js';
import { stripAnsi } from './process-timing.js';

export interface ToolsChildConfig {
  server: string;
  tools: number;
  pages: number;
}

export interface ToolsChildResult {
  idleRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The tool count /tools reported. */
  listed: number;
}

function gcAndSample(): { rss: number; heapUsed: number } {
  const collect = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) collect?.();
  return process.memoryUsage();
}

async function main(config: ToolsChildConfig): Promise<ToolsChildResult> {
  for (const key of Object.keys(process.env)) if (key === 'CI' || key.startsWith('CI_')) delete process.env[key];
  const [{ runTui }, { createAgentEngine }, { loadAgentConfig }] = await Promise.all([
    import('../../agent/ui/run.js'),
    import('../../agent/core/engine.js'),
    import('../../agent/config.js'),
  ]);
  const agentConfig = loadAgentConfig({}, { noAuth: true });
  agentConfig.servers = [
    { name: 'many', source: { kind: 'flag', file: 'bench' }, type: 'stdio', command: process.execPath, args: [config.server], env: { TOOL_COUNT: String(config.tools) } },
  ];
  const engine = createAgentEngine(agentConfig, { home: homedir(), cwd: process.cwd() });
  const stdin = new FakeTtyIn();
  const stdout = new FakeTtyOut(120, 40, 200_000);
  const stderr = new FakeTtyOut(120, 40, 0);
  const shutdown = new AbortController();
  const exited = runTui(engine, { env: {}, stdin, stdout, stderr, shutdownSignal: shutdown.signal } as unknown as Parameters<typeof runTui>[1]);
  await new Promise<void>((resolve) => {
    const check = (): boolean => engine.getStatus().connection.state === 'connected';
    if (check()) return resolve();
    const stop = engine.subscribeStatus(() => check() && (stop(), resolve()));
  });
  await delay(200);
  const idle = gcAndSample();
  let listed = 0;
  for (let page = 1; page <= config.pages; page++) {
    const shown = stdout.nextFrame((frame) => stripAnsi(frame).includes(`(page ${page} of`));
    // The input box may not take keys on the very first frame: type again until the page shows.
    for (let attempt = 0; attempt < 100; attempt++) {
      stdin.type(`/tools ${page}\r`);
      const ok = await Promise.race([shown.then(() => true), delay(50).then(() => false)]);
      if (ok) break;
    }
    await shown;
    const match = /(\d+) tools on the server/.exec(stripAnsi(stdout.output()));
    listed = Number(match?.[1] ?? 0);
  }
  await delay(100);
  const after = gcAndSample();
  shutdown.abort();
  await exited;
  await engine.close();
  return { idleRssBytes: idle.rss, rssBytes: after.rss, heapUsedBytes: after.heapUsed, listed };
}

const config = JSON.parse(process.argv[2] ?? '{}') as ToolsChildConfig;
main(config).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`tools-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
