import { stateCode } from './states.js';

/** One tool call the demo model understood in the user's words. */
export interface DemoCall {
  name: 'reverse' | 'get_alerts' | 'get_forecast';
  input: Record<string, unknown>;
}

const NUMBER = String.raw`[-+]?\d{1,3}(?:\.\d+)?`;
const FORECAST = new RegExp(String.raw`\bforecast\b(?:\s+(?:for|at|in|of))?\s*\(?\s*(${NUMBER})\s*[,\s]\s*(${NUMBER})`, 'gi');
const ALERTS = /\balerts?\b(?:\s+(?:for|in|of))?\s+(?:the\s+state\s+of\s+)?([a-z]+(?:\s+[a-z]+){0,3})/gi;
// A reverse request runs to the end of its clause: a sentence end, ';' or a following weather request.
const REVERSE =
  /\breverse\b\s*:?\s*(.+?)(?=\s*(?:[;\n]|\.(?:\s|$)|,?\s*\b(?:and|then|also)\b\s+(?:[\w']+\s+){0,5}?(?:(?:weather\s+)?alerts?|forecast|weather)\b|\b(?:weather\s+)?alerts?\b|\bforecast\b|$))/gi;

/** Strips quotes and trailing punctuation a user wraps around a text. */
function unwrap(text: string): string {
  const t = text.trim().replace(/[?!]+$/, '');
  const quoted = /^(["'“‘`])(.*)(["'”’`])$/s.exec(t);
  return (quoted ? (quoted[2] ?? '') : t).trim();
}

/**
 * "alpha, beta and gamma" → three texts; "the words alpha beta gamma" / "each of …" → one per word;
 * quoted items → one per quote; anything else is one text ("hello world").
 */
export function reverseTargets(phrase: string): string[] {
  const p = phrase.trim();
  const quoted = [...p.matchAll(/"([^"]*)"|“([^”]*)”|'([^']+)'/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  if (quoted.length > 1) return quoted;
  const each = /^(?:each(?:\s+(?:word|of))?|every\s+word(?:\s+of)?|all\s+of|the\s+words?|these\s+words?|words?)\s*:?\s+(.+)$/i.exec(p);
  if (each?.[1])
    return unwrap(each[1])
      .split(/[\s,]+/)
      .filter((w) => w && w.toLowerCase() !== 'and');
  if (p.includes(',')) {
    return p
      .split(/\s*,\s*(?:and\s+)?|\s+and\s+/i)
      .map(unwrap)
      .filter(Boolean);
  }
  const single = unwrap(p);
  return single ? [single] : [];
}

/** The tool calls in a request, in the order they were asked for; empty when nothing is understood. */
export function parseDemoRequest(text: string): DemoCall[] {
  const found: Array<{ at: number; call: DemoCall }> = [];
  for (const m of text.matchAll(FORECAST)) {
    const latitude = Number(m[1]);
    const longitude = Number(m[2]);
    found.push({ at: m.index, call: { name: 'get_forecast', input: { latitude, longitude } } });
  }
  for (const m of text.matchAll(ALERTS)) {
    // Try the longest run of words first ("new york" before "new"), then shorter ones.
    const words = (m[1] ?? '').split(/\s+/);
    for (let n = words.length; n > 0; n--) {
      const code = stateCode(words.slice(0, n).join(' '));
      if (code) {
        found.push({ at: m.index, call: { name: 'get_alerts', input: { state: code } } });
        break;
      }
    }
  }
  for (const m of text.matchAll(REVERSE)) {
    for (const target of reverseTargets(m[1] ?? '')) found.push({ at: m.index, call: { name: 'reverse', input: { text: target } } });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.call);
}
