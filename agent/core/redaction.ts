/**
 * What counts as a secret in text Warden writes to disk (the audit log, saved conversations):
 * argument names that hold secrets whatever their value, values that are secrets whatever their
 * name (JWTs, auth headers, PEM keys, common key prefixes, long generated strings), and the same
 * shapes inside free text. Also the literal values the session knows to be secret (the API key,
 * a server's header values and environment), replaced wherever they appear.
 *
 * Not responsible for: what is shown on a terminal (config/terminal-text.ts, host/redact.ts),
 * nor where the text goes.
 */

export const REDACTED = '[redacted]';

/**
 * Words of argument names whose values are secrets whatever they look like. Names are read as
 * words (`maxTokens` is max + tokens, `author` is not auth), so a count or a limit is not a secret.
 */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'apikey',
  'credential',
  'credentials',
  'cookie',
  'cookies',
  'auth',
  'authorization',
  'session',
  'sessionid',
  'signature',
  'privatekey',
  'otp',
]);
/** Two words that make a secret together (`api_key`, `privateKey`, `access-key`). */
const SECRET_PAIRS = [
  ['api', 'key'],
  ['private', 'key'],
  ['access', 'key'],
  ['secret', 'key'],
  ['client', 'secret'],
];

/** `maxTokens` → max tokens, `x-api-key` → x api key, `AUTH_TOKEN` → auth token. */
function words(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter((w) => w !== '');
}
/** Whole values that are secrets whatever their name: JWTs, auth headers, PEM keys, common key prefixes. */
const SECRET_VALUE = [
  /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/,
  /^(bearer|basic)\s+\S+/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^(sk|pk|rk|ghp|gho|ghs|github_pat|xox[abprs]|AKIA|ASIA|AIza)[-_A-Za-z0-9]{10,}/,
];
/** The same shapes inside free text (a tool result that echoes a header, a prompt that quotes a key). */
const SECRET_IN_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, REDACTED],
  [/\b(bearer|basic)(\s+)[\w.~+/=-]{8,}/gi, `$1$2${REDACTED}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(sk-ant-|sk-|ghp_|gho_|ghs_|github_pat_|xox[abprs]-)[-_A-Za-z0-9]{16,}/g, REDACTED],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
];
/** Shorter literals would mask ordinary words; no real key is this short. */
const MIN_LITERAL = 6;

/** A long unbroken run of letters and digits (both) reads as a generated key. */
function looksGenerated(value: string): boolean {
  return /^[A-Za-z0-9+/=_-]{32,}$/.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
}

export function isSecretKey(name: string): boolean {
  const list = words(name);
  // Glued words count too: "apikey", "accesstoken".
  const glued = list.join('');
  if (list.some((w) => SECRET_WORDS.has(w)) || /token$|password$|secret$|apikey$/.test(glued)) return true;
  return SECRET_PAIRS.some(([a, b]) => list.some((w, i) => w === a && list[i + 1] === b));
}

/** A yes/no under a secret name (`useAuth: true`) says nothing secret; anything else there is redacted. */
const redactedUnder = (value: unknown): boolean => typeof value !== 'boolean';

export function isSecretValue(value: string): boolean {
  return SECRET_VALUE.some((r) => r.test(value)) || looksGenerated(value);
}

export interface RedactOptions {
  /** Strings longer than this are cut (with `…`); absent: kept whole. */
  maxChars?: number;
  /** Objects nested deeper become `[nested]`, arrays keep their first `maxItems`; absent: kept whole. */
  maxDepth?: number;
  maxItems?: number;
  /** Applied to every string value that is not redacted whole (free-text scrubbing). */
  text?: (value: string) => string;
}

function redactValue(value: unknown, depth: number, options: RedactOptions): unknown {
  if (typeof value === 'string') {
    if (isSecretValue(value)) return REDACTED;
    const kept = options.text ? options.text(value) : value;
    return options.maxChars !== undefined && kept.length > options.maxChars ? `${kept.slice(0, options.maxChars)}…` : kept;
  }
  if (value === null || typeof value !== 'object') return value;
  if (options.maxDepth !== undefined && depth >= options.maxDepth) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, options.maxItems ?? value.length).map((v) => redactValue(v, depth + 1, options));
  return redactArgs(value as Record<string, unknown>, options, depth + 1);
}

/** The arguments with every secret-looking value replaced by `[redacted]` (and long values cut, with `maxChars`). */
export function redactArgs(args: Readonly<Record<string, unknown>>, options: RedactOptions = {}, depth = 0): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, isSecretKey(key) && redactedUnder(value) ? REDACTED : redactValue(value, depth, options)]));
}

/**
 * Free text with every known secret (`literals`) and every secret-shaped run replaced by
 * `[redacted]`. The literals are matched longest first, so a value that contains another is
 * taken whole.
 */
export function secretScrubber(literals: Iterable<string | undefined>): (text: string) => string {
  const known = [...new Set([...literals].filter((s): s is string => typeof s === 'string' && s.length >= MIN_LITERAL))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement);
    return out;
  };
}
