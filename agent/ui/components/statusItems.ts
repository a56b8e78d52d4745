import type { SessionStatus } from '../../core/engine-types.js';
import type { QuestionKind } from '../../core/tool-calls/questions.js';
import { safeLine } from '../../../config/terminal-text.js';
import { formatCost, formatExpiry, formatTokens } from '../format.js';

export type Tone = 'ok' | 'warn' | 'error' | 'plain';

export interface StatusItem {
  id: 'server' | 'auth' | 'usage' | 'model';
  text: string;
  /** A shorter form for a narrow terminal (default: the text). */
  short?: string;
  tone: Tone;
}

/** A status item is a part of one line (room for a URL and an error; the bar truncates to the width). */
const ITEM_CHARS = 300;

export const DEMO_MODEL_TEXT = 'demo model — set ANTHROPIC_API_KEY for Claude';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Several servers in one item: `● 3/4 servers · 41 tools` (details in /mcp). */
function servers(status: SessionStatus): StatusItem {
  const total = status.servers.length;
  const up = status.servers.filter((s) => s.connection.state === 'connected').length;
  const tools = status.connection.state === 'connected' ? status.connection.toolCount : 0;
  if (up === 0 && status.servers.some((s) => s.connection.state === 'connecting')) return { id: 'server', text: `◌ 0/${total} servers · connecting…`, tone: 'warn' };
  const icon = up === total ? '●' : up === 0 ? '✗' : '◐';
  return { id: 'server', text: `${icon} ${up}/${total} servers · ${plural(tools, 'tool')}`, tone: up === total ? 'ok' : up === 0 ? 'error' : 'warn' };
}

/** `host:port` of a URL, for the short form (the whole text when it is not a URL). */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

function server(status: SessionStatus): StatusItem {
  if (status.servers.length > 1) return servers(status);
  const url = status.servers[0]?.target ?? '';
  const host = hostOf(url);
  const c = status.connection;
  switch (c.state) {
    case 'connecting':
      return { id: 'server', text: `◌ ${url} connecting…`, short: `◌ ${host} connecting…`, tone: 'warn' };
    case 'connected':
      return { id: 'server', text: `● ${url} connected · ${plural(c.toolCount, 'tool')}`, short: `● ${host} · ${plural(c.toolCount, 'tool')}`, tone: 'ok' };
    case 'unreachable':
      return { id: 'server', text: `✗ ${url} unreachable: ${c.error}`, short: `✗ ${host} unreachable: ${c.error}`, tone: 'error' };
    case 'sign-in-needed':
      return { id: 'server', text: `! ${url} sign-in needed`, short: `! ${host} sign-in needed`, tone: 'warn' };
  }
}

function auth(status: SessionStatus, now: number): StatusItem {
  const a = status.auth;
  switch (a.state) {
    case 'disabled':
      return { id: 'auth', text: 'no auth', tone: 'plain' };
    case 'signed-out':
      return { id: 'auth', text: 'signed out', tone: 'warn' };
    case 'signing-in':
      return { id: 'auth', text: 'signing in…', tone: 'warn' };
    case 'signed-in':
      return {
        id: 'auth',
        text: `${a.account} · ${formatExpiry(a.expiresAt, now)}`,
        short: `${a.account} · ${formatExpiry(a.expiresAt, now).replace('token expires in ', '')}`,
        tone: a.expiresAt > now ? 'ok' : 'warn',
      };
    case 'approval-needed':
      return { id: 'auth', text: 'approval needed', tone: 'warn' };
    case 'approval-declined':
      return { id: 'auth', text: 'not approved: no token sent', tone: 'warn' };
    case 'error':
      return { id: 'auth', text: `auth error: ${a.error}`, tone: 'error' };
  }
}

/** From this share of the window the context is shown as a warning (compaction comes at 80 % by default). */
const CONTEXT_WARN = 0.7;

/** Context used (tokens / window, %) and the cost so far, for Claude once a request was made. */
function usage(status: SessionStatus): StatusItem | undefined {
  const u = status.usage;
  if (!u || status.model.kind !== 'claude') return undefined;
  const share = u.contextTokens / Math.max(1, u.contextWindow);
  const percent = `${Math.round(share * 100)}%`;
  const cost = u.costUsd !== undefined ? ` · ${formatCost(u.costUsd)}` : '';
  return {
    id: 'usage',
    text: `context ${formatTokens(u.contextTokens)}/${formatTokens(u.contextWindow)} (${percent})${cost}`,
    short: `${percent}${cost}`,
    tone: share >= CONTEXT_WARN ? 'warn' : 'plain',
  };
}

function model(status: SessionStatus): StatusItem {
  return status.model.kind === 'claude' ? { id: 'model', text: status.model.model, tone: 'plain' } : { id: 'model', text: DEMO_MODEL_TEXT, short: 'demo model', tone: 'warn' };
}

/**
 * The status bar as data: server and connection, sign-in, context and cost, model. Server names, errors and account
 * names come from servers and identity providers, so every item is made one terminal-safe line here.
 */
export function statusItems(status: SessionStatus, now: number): StatusItem[] {
  const spent = usage(status);
  return [server(status), auth(status, now), ...(spent ? [spent] : []), model(status)].map((item) => ({
    ...item,
    text: safeLine(item.text, ITEM_CHARS),
    ...(item.short !== undefined && { short: safeLine(item.short, ITEM_CHARS) }),
  }));
}

export type KeyMode = 'idle' | 'turn' | 'calls' | 'login' | 'approval' | 'question' | 'picker';

/** Key hints for what the keys do right now. */
/** What Esc says to the open question, by its kind. */
const ESC_ANSWER: Record<QuestionKind, string> = { approval: 'deny', elicitation: 'cancel', sampling: 'refuse' };

export function keyHints(mode: KeyMode, options: { canOpenBrowser?: boolean; question?: QuestionKind } = {}): string {
  switch (mode) {
    case 'login':
      return [options.canOpenBrowser ? 'o open browser' : undefined, 'Esc cancel sign-in', 'Ctrl-C ×2 exit'].filter(Boolean).join(' · ');
    case 'approval':
      return 'y approve · n refuse · Ctrl-C ×2 exit';
    case 'question':
      return `Tab next question · Esc ${ESC_ANSWER[options.question ?? 'approval']} · Ctrl-C cancel turn`;
    case 'calls':
      return 'Tab/↑↓ focus · Esc cancel call · Ctrl-C cancel turn';
    case 'turn':
      return 'Ctrl-C cancel turn';
    case 'picker':
      return '↑↓ choose · Enter resume · Esc cancel · Ctrl-C ×2 exit';
    case 'idle':
      return 'Enter send · ↑↓ history · /help · Ctrl-C ×2 exit';
  }
}

/** Columns between two items. */
export const STATUS_GAP = 3;
/** The bar is always this tall: one row of items, one of keys. */
export const STATUS_BAR_ROWS = 2;

/** Width a text takes (code points; the items are terminal-safe single lines). */
const cells = (text: string): number => Array.from(text).length;

/**
 * The items as they fit one row of `columns`: the least important (last) switch to their short
 * form first, then are left out; the first item always stays, cut to the width if it must be.
 */
export function fitStatusItems(items: readonly StatusItem[], columns: number, gap = STATUS_GAP): StatusItem[] {
  const width = (list: readonly StatusItem[]): number => list.reduce((sum, item, i) => sum + cells(item.text) + (i > 0 ? gap : 0), 0);
  let fitted = [...items];
  for (let i = fitted.length - 1; i >= 0 && width(fitted) > columns; i--) {
    const item = fitted[i] as StatusItem;
    if (item.short !== undefined) fitted[i] = { ...item, text: item.short };
  }
  while (fitted.length > 1 && width(fitted) > columns) fitted = fitted.slice(0, -1);
  return fitted;
}
