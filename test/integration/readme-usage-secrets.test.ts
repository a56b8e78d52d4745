import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDeviceCode, cachedSecrets } from '../helpers/device-code.js';
import { CLI_PATH, startCli, type CliProcess } from '../helpers/cli-process.js';
import { hasTmux, startTerminal } from '../helpers/tmux.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The `warden …` lines of the first sh block in the README's usage section, in order. */
function usageCommands(): string[][] {
  const readme = readFileSync(README, 'utf8');
  const section = readme.split('<!-- section:usage -->')[1]?.split('<!-- /section:usage -->')[0] ?? '';
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('warden'))
    .map((line) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1));
}

const tmuxAvailable = await hasTmux();

/** The parts of an OTLP/JSON trace export this test reads. */
interface OtlpTraces {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; traceId: string }[] }[] }[];
}

describe("every command in the README's usage section, run as written", () => {
  const home = mkdtempSync(join(tmpdir(), 'warden-readme-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'warden-readme-cwd-'));
  const envFile = join(cwd, '.env');
  const cacheFile = join(home, '.config', 'warden', 'token_cache.json');
  const background: CliProcess[] = [];
  const outputs: string[] = [];
  const secrets = new Set<string>();
  // Tracing on, as an operator would turn it on: every span any command exports is checked for secrets too.
  const exported: string[] = [];
  const collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      exported.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  const env = { HOME: home, TERM: 'xterm-256color', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: '' };

  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  /** Every token MSAL cached so far (access, refresh, ID). */
  const collectSecrets = (): void => {
    if (existsSync(cacheFile)) for (const secret of cachedSecrets(cacheFile)) secrets.add(secret);
  };

  afterAll(async () => {
    await Promise.all(background.map((p) => p.stop()));
    collector.close();
  });

  it('runs them all, and no output or log holds a token', async () => {
    const commands = usageCommands();
    expect(commands.map((c) => c[0] ?? '(chat)')).toEqual(['dev-idp', 'serve', 'trust', 'login', 'status', '(chat)', '-p', '-p', 'logout']);
    writeFileSync(envFile, '# written by the test as the README says: the lines dev-idp prints\nREVERSE_STEP_MS=20\nMCP_PORT=0\n');
    let caFile = '';

    for (const args of commands) {
      const [command] = args;
      if (command === 'dev-idp') {
        const idp = startCli(args, { env, cwd });
        background.push(idp);
        await idp.waitFor(/^WARDEN_DEV_CA_FILE=.*$/m, 'stdout');
        const lines = idp
          .stdout()
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l));
        appendFileSync(envFile, `${lines.join('\n')}\n`);
        caFile = lines.find((l) => l.startsWith('WARDEN_DEV_CA_FILE='))!.split('=')[1]!;
      } else if (command === 'serve') {
        const server = startCli(args, { env, cwd });
        background.push(server);
        const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/, 'stdout');
        appendFileSync(envFile, `MCP_SERVER_URL=${url}\n`);
      } else if (command === 'login') {
        const login = startCli(args, { env, cwd });
        const [, userCode] = await login.waitFor(/Code:\s+(\S+)/, 'stderr');
        const [, url] = await login.waitFor(/Open:\s+(\S+)/, 'stderr');
        expect(await approveDeviceCode(url!, userCode!, caFile)).toBe(200);
        expect(await login.exited).toBe(0);
        outputs.push(login.stdout(), login.stderr());
      } else if (command === undefined) {
        // `warden`: the chat TUI needs a terminal. Without tmux this test cannot say it ran them all.
        expect(tmuxAvailable, "the README's chat command (`warden`) runs in tmux, which is not installed (.ci/run installs it)").toBe(true);
        const terminal = await startTerminal({ command: [process.execPath, CLI_PATH], env: { PATH: process.env.PATH ?? '', ...env }, cwd });
        try {
          outputs.push(await terminal.waitForScreen(/connected · 3 tools/));
          await terminal.typeLine('/status');
          outputs.push(await terminal.waitForScreen(/Token|token/));
          await terminal.typeLine('/exit');
          await terminal.waitForExit();
        } finally {
          outputs.push(await terminal.screen());
          await terminal.kill();
        }
      } else {
        // `warden trust` asks about the .env the steps above wrote: the reader answers y.
        const run = startCli(args, { env, cwd, ...(command === 'trust' && { input: 'y\n' }) });
        const code = await run.exited;
        outputs.push(run.stdout(), run.stderr());
        expect(code, `warden ${args.join(' ')}\n${run.stderr()}`).toBe(0);
        if (args[0] === '-p') expect(run.stdout()).toMatch(/olleh|ahpla/);
      }
      collectSecrets();
    }

    await Promise.all(background.map((p) => p.stop()));
    outputs.push(...background.flatMap((p) => [p.stdout(), p.stderr()]));

    // One trace from `warden -p` into `warden serve`: the same trace id under both services.
    const spans = exported.flatMap((body) =>
      (JSON.parse(body) as OtlpTraces).resourceSpans.flatMap((r) => {
        const service = r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
        return r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ service, name: span.name, traceId: span.traceId })));
      }),
    );
    const agentTraces = new Set(spans.filter((s) => s.service === 'warden' && s.name === 'tools/call reverse').map((s) => s.traceId));
    expect(agentTraces.size).toBeGreaterThan(0);
    expect(spans.some((s) => s.service === 'warden-server' && s.name === 'POST /mcp' && agentTraces.has(s.traceId))).toBe(true);
    outputs.push(...exported);
    const all = outputs.join('\n');
    expect(secrets.size).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      expect(all.includes(secret.slice(0, 24)) || all.includes(secret.slice(-24))).toBe(false);
    }
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/);
  }, 120_000);
});
