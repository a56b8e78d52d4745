import { describeApprovalReason } from '../../auth/login/sign-in-policy.js';
import { errorMessage } from '../../config/error-text.js';
import { createStreamStripper, NAME_CHARS, safeLine } from '../../config/terminal-text.js';
import { compactionLine } from '../core/context/compaction-line.js';
import { costOf, PRICES_AS_OF } from '../core/cost/prices.js';
import { qualifiedName } from '../core/permissions/policy.js';
import type { AgentEngine, ServerStatus, SessionStatus, TurnEvent, TurnResult } from '../core/engine-types.js';
import type { ToolCallRegistry } from '../core/tool-calls/registry.js';
import { TERMINAL_STATUSES, type ToolCallRecord } from '../core/tool-calls/types.js';
import type { CommandContext } from './context.js';
import { attachedLine } from '../core/user-input/attached-line.js';
import { streamJson } from './print-stream.js';

export interface PrintOptions {
  /** `json`: one object at the end; `stream-json`: one event a line as the turn goes, then that object. */
  output: 'text' | 'json' | 'stream-json';
  /** No progress lines or notices on stderr (errors still go there). */
  quiet: boolean;
  /** Go on with a saved conversation: one by ID, or the latest of this directory. */
  resume?: { id: string } | { latest: true };
}

/** The last line of a failed run and notices: one line, room for a server's explanation. */
const PROBLEM_CHARS = 1000;

/** Exit code of a turn cancelled by Ctrl-C (128 + SIGINT), as shells expect. */
const CANCELLED = 130;

export interface ToolCallSummary {
  name: string;
  /** The server of the call, when several (or configured) servers are in use. */
  server?: string;
  arguments: Readonly<Record<string, unknown>>;
  status: ToolCallRecord['status'];
  /** Set when the call was not allowed to run: by a rule, by the user, or because -p cannot ask. */
  denied?: ToolCallRecord['denied'];
  resultSummary: string;
  durationMs: number | null;
}

/** What `--output json` prints: one object, always this shape. */
export interface PrintTranscript {
  /** The saved conversation this turn belongs to (`warden -p --resume ID` goes on with it). */
  conversationId?: string;
  answer: string;
  toolCalls: ToolCallSummary[];
  usage: TurnResult['usage'];
  /**
   * In US dollars by the price table of `pricesAsOf`: this run's requests (`usd`), and the whole
   * conversation so far (`conversationUsd`, a resumed one's earlier runs included); null for a
   * model the table does not price.
   */
  cost: { usd: number | null; conversationUsd: number | null; pricesAsOf: string };
  /** The Claude model id, or "demo". */
  model: string;
  stopReason: TurnResult['stopReason'];
  error?: string;
}

function durationMs(record: ToolCallRecord): number | null {
  return record.endedAt !== undefined ? record.endedAt - record.startedAt : null;
}

function summarize(record: ToolCallRecord): ToolCallSummary {
  return {
    name: record.tool,
    ...(record.server !== undefined && { server: record.server }),
    arguments: record.args,
    status: record.status,
    ...(record.denied && { denied: record.denied }),
    resultSummary: safeLine(record.status === 'done' ? record.result : (record.error ?? record.result)),
    durationMs: durationMs(record),
  };
}

/**
 * e.g. `[reverse#1] 2/5 40% Step 2 of 5: …`, then `[reverse#1] ✓ 0.1 s dlrow olleh`. Every part a
 * server or the model chose (tool name, arguments, message, result, error) goes through `safeLine`,
 * so each stays one line that cannot move the cursor or forge another call's line.
 */
function progressLine(label: string, r: ToolCallRecord): string {
  const amount = r.total !== undefined && r.total > 0 ? `${r.progress}/${r.total} ${Math.round(((r.progress ?? 0) / r.total) * 100)}%` : `${r.progress}`;
  const message = safeLine(r.message);
  return `${label} ${amount}${message ? ` ${message}` : ''}`;
}

function endLine(label: string, r: ToolCallRecord): string {
  const took = `${((durationMs(r) ?? 0) / 1000).toFixed(1)} s`;
  if (r.status === 'done') return `${label} ✓ ${took} ${safeLine(r.result, 80)}`;
  if (r.status === 'cancelled') return r.denied ? `${label} ✗ ${safeLine(r.error)}` : `${label} ✗ cancelled after ${took}`;
  return `${label} ✗ ${took} ${safeLine(r.error ?? r.result ?? 'failed')}`;
}

/** A tool's name as its lines' label: no space, bracket or `#`, so a name like `x#1] ✓` cannot pass for another call's label. */
function labelName(tool: string): string {
  return safeLine(tool, NAME_CHARS).replace(/[\s[\]#]/g, '_');
}

/** A label's name: `server › tool` (the tool alone with one server), each name as labelName makes it. */
function labelOf(record: ToolCallRecord): string {
  return record.server !== undefined ? `${labelName(record.server)} › ${labelName(record.tool)}` : labelName(record.tool);
}

/** `server › tool` (or the tool alone with one server), safe for a terminal: both names come from servers. */
function callName(record: ToolCallRecord): string {
  const tool = safeLine(record.tool, NAME_CHARS);
  return record.server !== undefined ? `${safeLine(record.server, NAME_CHARS)} › ${tool}` : tool;
}

/** A call -p denied because it needed approval: which tool, and the flag that would allow it. */
function deniedLine(record: ToolCallRecord): string {
  const pattern = record.server !== undefined ? qualifiedName(record.server, record.tool) : record.tool;
  return `warden: denied ${callName(record)}: it needs approval and -p does not ask; --allowed-tools ${labelName(pattern)} (or --yes) would allow it`;
}

/** Why a server is not used for this turn, in one line. */
function unavailableLine(server: ServerStatus): string {
  const c = server.connection;
  // A server retrying after a failure is unavailable for that failure, not "still connecting".
  const failed = c.state === 'failed' ? c.error : c.state === 'connecting' && c.attempt > 1 ? server.lastError : undefined;
  const why = failed ?? (c.state === 'sign-in-needed' ? c.reason : 'still connecting');
  return `warden: server "${safeLine(server.name, NAME_CHARS)}" is unavailable, its tools are left out: ${safeLine(why, PROBLEM_CHARS)}`;
}

/** Plain progress lines on stderr, one per change of a call (start, each progress, the end). */
function watchCalls(registry: ToolCallRegistry, write: (line: string) => void): () => void {
  const seen = new Map<string, { label: string; record: ToolCallRecord }>();
  return registry.subscribe(() => {
    for (const record of registry.snapshot()) {
      const before = seen.get(record.id);
      if (before?.record === record) continue;
      const label = before?.label ?? `[${labelOf(record)}#${seen.size + 1}]`;
      seen.set(record.id, { label, record });
      // The label names the call already: the first line adds only its arguments.
      if (!before) write(`${label} started ${safeLine(JSON.stringify(record.args))}`);
      if (TERMINAL_STATUSES.has(record.status)) write(endLine(label, record));
      else if (record.progressEvents > (before?.record.progressEvents ?? 0)) write(progressLine(label, record));
    }
  });
}

/** How `-p` users approve a server the sign-in policy refused. */
export const APPROVE_HINT = 'run again with --approve-server to approve';

/** Why the session cannot run a turn, as the one line print mode exits with; undefined when it can. */
function connectionProblem(status: SessionStatus): string | undefined {
  const { connection, auth } = status;
  if (auth.state === 'approval-needed' || auth.state === 'approval-declined') return describeApprovalReason(auth.request, APPROVE_HINT);
  if (connection.state === 'unreachable') return connection.error;
  if (connection.state !== 'sign-in-needed') return undefined;
  // No sign-in is made for it (--no-auth, or `auth` none): the server's line says which.
  if (auth.state === 'disabled') return connection.reason;
  if (auth.state === 'error') return auth.rejected ? auth.error : `sign-in failed: ${auth.error}`;
  // `warden login` signs in to the one-server shortcut (named `server`); a configured server by its name.
  const name = status.servers[0]?.name;
  return `not signed in — run \`warden login${name && name !== 'server' ? ` ${safeLine(name, NAME_CHARS)}` : ''}\``;
}

/** A server the user named on the command line (--server, --mcp-config) that is not up: the turn must not answer without it. */
function requiredServerProblem(status: SessionStatus): string | undefined {
  const missing = status.servers.find((s) => s.required !== undefined && s.connection.state !== 'connected');
  if (!missing?.required) return undefined;
  const c = missing.connection;
  const why = c.state === 'failed' ? c.error : c.state === 'sign-in-needed' ? c.reason : (missing.lastError ?? 'still connecting');
  const named =
    missing.required === '--server'
      ? `the server you named with --server (${missing.target})`
      : `server "${safeLine(missing.name, NAME_CHARS)}", which you named with ${safeLine(missing.required, PROBLEM_CHARS)},`;
  return `${named} is unavailable: ${safeLine(why, PROBLEM_CHARS)}`;
}

/** With several servers the turn runs on those that are up; only when none is does it not run. */
function noServerProblem(status: SessionStatus): string | undefined {
  if (status.servers.some((s) => s.connection.state === 'connected')) return undefined;
  return `none of the ${status.servers.length} MCP servers is available: ${status.servers.map((s) => `${safeLine(s.name, NAME_CHARS)}: ${safeLine(s.lastError ?? s.connection.state, 120)}`).join('; ')}`;
}

function endProblem(result: TurnResult): string | undefined {
  switch (result.stopReason) {
    case 'error':
      return result.error ?? 'the turn failed';
    case 'turn_limit':
      return 'stopped: the model used too many tool rounds in one turn (--max-turns, WARDEN_MAX_TURNS)';
    case 'cancelled':
      return 'cancelled';
    case 'end_turn':
      return undefined;
  }
}

/**
 * `warden -p`: one turn without the TUI. The answer streams to stdout (or one JSON object with
 * --output json), progress goes to stderr; exit 0 on success, 1 on failure or when a tool call
 * was denied because it needed approval (-p never asks), 130 when cancelled.
 */
export async function runPrint(engine: AgentEngine, prompt: string, options: PrintOptions, ctx: CommandContext): Promise<number> {
  // Structured output: no answer text on stdout, only JSON.
  const json = options.output !== 'text';
  const note = (line: string): void => {
    if (!options.quiet) ctx.stderr.write(`${line}\n`);
  };
  const model = engine.getStatus().model;
  const stream = options.output === 'stream-json' ? streamJson(engine.registry, (event) => ctx.stdout.write(`${JSON.stringify(event)}\n`)) : undefined;
  // This run's cost, request by request (a model without a price makes it unknown).
  let runCost: number | null = 0;
  const transcript = (result: TurnResult): PrintTranscript => {
    const conversationId = engine.conversationId();
    return {
      ...(conversationId !== undefined && { conversationId }),
      answer: result.text,
      toolCalls: result.callIds.flatMap((id) => {
        const record = engine.registry.get(id);
        return record ? [summarize(record)] : [];
      }),
      usage: result.usage,
      cost: { usd: runCost, conversationUsd: model.kind === 'demo' ? 0 : (engine.usage().costUsd ?? null), pricesAsOf: PRICES_AS_OF },
      model: model.kind === 'claude' ? model.model : 'demo',
      stopReason: result.stopReason,
      ...(result.error !== undefined && { error: result.error }),
    };
  };
  const finish = (result: TurnResult): number => {
    stream?.stop();
    if (stream) ctx.stdout.write(`${JSON.stringify({ type: 'result', ...transcript(result) })}\n`);
    else if (json) ctx.stdout.write(`${JSON.stringify(transcript(result))}\n`);
    // Said even with --quiet: the run did not do everything it was asked, and the user can fix that.
    const unasked = result.callIds.flatMap((id) => {
      const record = engine.registry.get(id);
      return record?.denied === 'cannot-ask' ? [record] : [];
    });
    for (const record of unasked) ctx.stderr.write(`${deniedLine(record)}\n`);
    const problem = endProblem(result);
    if (problem) ctx.stderr.write(`warden: ${safeLine(problem, PROBLEM_CHARS)}\n`);
    if (result.stopReason === 'cancelled') return CANCELLED;
    return problem || unasked.length > 0 ? 1 : 0;
  };

  if (model.kind === 'demo') note('warden: using the offline demo model (set ANTHROPIC_API_KEY to use Claude)');
  let gone: Promise<string | undefined> | undefined;
  if (options.resume) {
    try {
      const resumed = await engine.resume('id' in options.resume ? options.resume.id : undefined);
      for (const notice of resumed.notices) note(`warden: ${safeLine(notice, PROBLEM_CHARS)}`);
      gone = resumed.gone;
    } catch (error) {
      // -c with nothing to continue starts a conversation; an ID that is not there is a mistake.
      if ('id' in options.resume) return finish({ text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: errorMessage(error) });
      note(`warden: ${safeLine(errorMessage(error), PROBLEM_CHARS)}; starting a new one`);
    }
  }
  void engine.start();
  // Each server gets up to its own connect timeout: a script wants the same tools every run.
  await engine.settled();
  const goneLine = await gone;
  if (goneLine) note(`warden: ${safeLine(goneLine, PROBLEM_CHARS)}`);
  stream?.start({ model: model.kind === 'claude' ? model.model : 'demo', ...(options.resume && { conversationId: engine.conversationId() }) });

  const status = engine.getStatus();
  const problem = status.servers.length > 1 ? (requiredServerProblem(status) ?? noServerProblem(status)) : connectionProblem(status);
  if (problem) return finish({ text: '', callIds: [], usage: { inputTokens: 0, outputTokens: 0 }, stopReason: 'error', error: problem });
  if (status.servers.length > 1) {
    for (const server of status.servers) if (server.connection.state !== 'connected') note(unavailableLine(server));
  }

  const unwatch = options.quiet ? () => undefined : watchCalls(engine.registry, note);
  // Text after tool calls is a new paragraph of the answer.
  let wrote = '';
  let paragraphBreak = false;
  // The answer keeps its newlines, but nothing a terminal would act on (the model may quote a server).
  const answer = createStreamStripper();
  const writeAnswer = (text: string): void => {
    if (text === '') return;
    let prefix = '';
    if (paragraphBreak) prefix = wrote.endsWith('\n\n') ? '' : wrote.endsWith('\n') ? '\n' : '\n\n';
    paragraphBreak = false;
    ctx.stdout.write(prefix + text);
    // Only the tail matters, to know how many newlines are already there.
    wrote = (wrote + prefix + text).slice(-2);
  };
  const onEvent = (event: TurnEvent): void => {
    stream?.onEvent(event);
    if (event.type === 'usage') {
      const cost = event.model === 'demo' ? 0 : costOf(event.model, event.usage);
      runCost = runCost === null || cost === undefined ? null : runCost + cost;
    }
    if (event.type === 'notice') note(`warden: ${safeLine(event.message, PROBLEM_CHARS)}`);
    else if (event.type === 'compacted') note(`warden: ${compactionLine(event.compaction)}`);
    else if (event.type === 'attached') note(`warden: ${safeLine(attachedLine(event), PROBLEM_CHARS)}`);
    else if (json) return;
    else if (event.type === 'tool-call') {
      writeAnswer(answer.end());
      paragraphBreak = wrote !== '';
    } else if (event.type === 'text') writeAnswer(answer.push(event.delta));
  };
  try {
    const result = await engine.runTurn(prompt, { signal: ctx.shutdownSignal, onEvent });
    if (!json) writeAnswer(answer.end());
    if (!json && wrote !== '' && !wrote.endsWith('\n')) ctx.stdout.write('\n');
    return finish(result);
  } finally {
    unwatch();
  }
}
