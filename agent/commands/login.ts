import { describeExpiry } from '../../auth/login/format.js';
import { foreignLinkWarning } from '../../auth/login/sign-in-link.js';
import { SignInCancelledError, type AccessToken, type DeviceCodePrompt } from '../../auth/login/types.js';
import { errorMessage } from '../../config/error-text.js';
import { ConfigError, UsageError } from '../../config/errors.js';
import { parseFlags } from '../../config/flags.js';
import { safeLine } from '../../config/terminal-text.js';
import type { Command, CommandContext } from './context.js';
import { browserOpener } from '../ui/browser.js';
import { commandSignIn } from './sign-ins.js';

const USAGE = `Usage: warden login [NAME] [--mcp-config FILE]… [--force] [--approve-server]

Signs in with a device code: open the URL shown on any device (phone, laptop), enter the
code and approve. With NAME: signs in to that configured server (mcpServers in
~/.config/warden/mcp.json, an approved .mcp.json or --mcp-config FILE) by its auth kind:
entra (device code), oauth (device code when its authorization server offers one, else a
link to open in a browser on this computer) or client-credentials (the app's own token);
without an \`auth\` key, as the server's 401 asks (Entra's device code for a Microsoft
authority or ENTRA_AUTHORITY_HOST, else oauth's). The token is cached in WARDEN_TOKEN_CACHE (default
~/.config/warden/token_cache.json, mode 0600) and renewed without you while it can be.

Sign-in settings: ENTRA_AUTHORITY_HOST, ENTRA_TENANT_ID, ENTRA_CLIENT_ID, ENTRA_API_SCOPE
(and WARDEN_DEV_CA_FILE for the embedded dev identity provider); see .env.example.

The identity provider's host is shown before the code, and a sign-in link on another host is
shown with a warning naming both; only https: links (http: on this computer) are shown or opened. Tokens for an API scope go only to the
servers approved for it: MCP_SERVER_URL with ENTRA_API_SCOPE set, or the first server to ask for
a scope through its metadata. A server asking for a scope bound to another one, or naming an
identity provider that is neither Microsoft Entra nor ENTRA_AUTHORITY_HOST, is refused (exit 1).

  --mcp-config FILE  also read servers from FILE (repeatable)
  --force            sign in again even when a usable token is cached
  --approve-server   approve MCP_SERVER_URL for the scope and identity provider it names
                     (recorded in server-approvals.json beside the token cache)`;

/** One line on stdout after a sign-in: who, where, what for, until when. Never the token. Names come from the identity provider: made terminal-safe. */
export function signedInLine(token: AccessToken, now: number, prefix = 'Signed in as'): string {
  return safeLine(
    `${prefix} ${token.account.username} (${token.account.name && token.account.name !== token.account.username ? `${token.account.name}, ` : ''}tenant ${token.account.tenantId}), ` +
      `scopes ${token.scopes.join(' ') || '(none)'}, token valid until ${describeExpiry(token.expiresOn, now)}`,
    LINE_CHARS,
  );
}

/** Room for a provider's one-sentence instructions or a long URL; every line printed here is one line. */
const LINE_CHARS = 400;

/** A browser sign-in's link carries PKCE, state, scope and resource: cut, it would not work. */
const LINK_CHARS = 2000;

/** The sign-in instructions. Every field is the identity provider's text: one terminal-safe line each. */
export function printPrompt(ctx: CommandContext, prompt: DeviceCodePrompt): void {
  const warning = foreignLinkWarning(prompt);
  const careful = warning === undefined ? [] : [`warden: ${safeLine(warning, LINE_CHARS)}`];
  const lines =
    prompt.userCode === undefined
      ? [
          `Sign in with ${safeLine(prompt.authorityHost, LINE_CHARS)}`,
          `warden: ${safeLine(prompt.message, LINE_CHARS)}`,
          '',
          `    Open:  ${safeLine(prompt.verificationUri, LINK_CHARS)}`,
          ...careful,
          '',
          `The link expires at ${describeExpiry(new Date(prompt.expiresAt), Date.now())}. Waiting for the browser… (Ctrl-C to cancel)`,
        ]
      : [
          `Sign in with ${safeLine(prompt.authorityHost, LINE_CHARS)}`,
          `warden: ${safeLine(prompt.message, LINE_CHARS)}`,
          '',
          `    Open:  ${safeLine(prompt.verificationUri, LINE_CHARS)}`,
          `    Code:  ${safeLine(prompt.userCode, LINE_CHARS)}`,
          ...(prompt.verificationUriComplete ? [`    (or open ${safeLine(prompt.verificationUriComplete, LINE_CHARS)} — the code is filled in)`] : []),
          ...careful,
          '',
          `The code expires at ${describeExpiry(new Date(prompt.expiresAt), Date.now())}. Waiting for approval… (Ctrl-C to cancel)`,
        ];
  ctx.stderr.write(`${lines.join('\n')}\n`);
  // A browser sign-in returns to this machine's loopback: open it here when there is a browser (the opener takes only https: or loopback http: links).
  if (prompt.userCode === undefined) void browserOpener(ctx.env)?.(prompt.verificationUri).catch(() => undefined);
}

export const login: Command = async (args, ctx) => {
  const { values, positionals } = parseFlags(
    args,
    { force: { type: 'boolean' }, 'approve-server': { type: 'boolean' }, 'mcp-config': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    true,
    'warden login',
  );
  if (values.help) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, extra] = positionals;
  if (extra !== undefined) throw new UsageError(`takes one server name, got "${extra}" too`, 'warden login');
  if (name === undefined && values['mcp-config']) throw new UsageError('--mcp-config goes with a server NAME', 'warden login');
  const signIn = await commandSignIn(ctx, name, { approveRun: values['approve-server'] === true, ...(values['mcp-config'] && { mcpConfig: values['mcp-config'] }) });
  try {
    const outcome = await signIn.login({
      force: values.force === true,
      onPrompt: (prompt) => printPrompt(ctx, prompt),
      onNotice: (line) => ctx.stderr.write(`warden: ${safeLine(line, LINE_CHARS)}\n`),
      signal: ctx.shutdownSignal,
    });
    switch (outcome.outcome) {
      case 'nothing':
        ctx.stdout.write(`${safeLine(outcome.why, LINE_CHARS)}\n`);
        return 0;
      case 'already':
        ctx.stdout.write(`${signedInLine(outcome.token, Date.now(), 'Already signed in as')}\n`);
        ctx.stderr.write(`warden: run \`warden login${name === undefined ? '' : ` ${safeLine(name, 100)}`} --force\` to sign in again\n`);
        return 0;
      case 'signed-in':
        ctx.stdout.write(`${signedInLine(outcome.token, Date.now())}\n`);
        return 0;
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof SignInCancelledError) {
      ctx.stderr.write('warden: sign-in cancelled\n');
      return 130;
    }
    ctx.stderr.write(`warden: ${safeLine(errorMessage(error), LINE_CHARS)}\n`);
    return 1;
  }
};
