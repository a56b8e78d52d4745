import type { DecisionRefusal } from './device-flow.js';
import { VERIFICATION_PATH } from './discovery.js';
import type { ProviderContext } from './oauth.js';

/** An answer of the verification page: HTML for a browser, one line of plain text for curl and other non-browser clients. */
export type PageResult = { status: number; html: string } | { status: number; text: string };

/** Browsers ask for HTML by name; curl accepts any type (or sends no Accept) and gets plain text. */
const wantsHtml = (accept: string | undefined): boolean => /\btext\/html\b/i.test(accept ?? '');

/** The same answer for either kind of client: `line` is the text a terminal shows. */
function page(accept: string | undefined, status: number, title: string, line: string, html = `<p>${escapeHtml(line)}</p>`): PageResult {
  return wantsHtml(accept) ? { status, html: layout(title, html) } : { status, text: `${line}\n` };
}

/** A path as a shell word: as it is where that is safe, else in single quotes. */
const shellQuote = (path: string): string => (/^[\w./:@+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`);

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f4f5;color:#18181b}
main{max-width:28rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
.warning{background:#fef3c7;border:1px solid #f59e0b;padding:.5rem .75rem;border-radius:6px;font-size:.9rem}
input{font:1.4rem monospace;letter-spacing:.1em;width:100%;box-sizing:border-box;padding:.4rem;margin:.25rem 0 1rem;text-transform:uppercase}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;border-radius:6px;border:1px solid #a1a1aa;cursor:pointer}
button[value=approve]{background:#2563eb;color:#fff;border-color:#2563eb}
.hint{color:#52525b;font-size:.85rem}code{font-size:.85rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Warden development sign-in</title><style>${STYLE}</style></head>
<body><main>
<p class="warning"><strong>Development identity provider — not for production.</strong> It signs in a built-in test user for anyone who can reach this page.</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

function formHtml(p: ProviderContext, userCode: string): string {
  const { user } = p;
  const url = p.urls.verificationUri;
  return `<p>Enter the code shown in your terminal to sign in as <strong>${escapeHtml(user.name)}</strong> (${escapeHtml(user.username)}).</p>
<form method="post" action="${VERIFICATION_PATH}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" value="${escapeHtml(userCode)}" placeholder="BCDF-GHJK" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus required>
<button type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>
<p class="hint">Without a browser: <code>curl --cacert ${escapeHtml(shellQuote(p.caFile))} -d user_code=CODE ${escapeHtml(url)}</code> (add <code>-d action=deny</code> to decline).</p>`;
}

const REFUSALS: Record<DecisionRefusal, (code: string) => string> = {
  missing: () => 'Enter the code shown in your terminal.',
  unknown: (code) => `The code ${code} is not known. Check it against your terminal, or start the sign-in again.`,
  expired: (code) => `The code ${code} has expired. Start the sign-in again in your terminal.`,
  'already-approved': (code) => `The code ${code} was already approved.`,
  'already-denied': (code) => `The code ${code} was already declined. Start the sign-in again in your terminal.`,
};

/** GET: the form, pre-filled from `?code=` or `?user_code=` (verification_uri_complete). */
export function showVerificationPage(query: URLSearchParams, p: ProviderContext): PageResult {
  const code = query.get('code') ?? query.get('user_code') ?? '';
  return { status: 200, html: layout('Sign in to Warden', formHtml(p, code)) };
}

/**
 * POST of `user_code` (form or `curl -d user_code=…`) approves; `action=deny` declines.
 * Browsers send an Origin header on form posts: one from another site is refused, so a web
 * page cannot approve a code behind the user's back. curl sends none and is let through.
 * The answer is a page for a browser and one plain line for a client that does not accept HTML.
 */
export function submitVerificationPage(form: URLSearchParams, headers: { origin?: string | undefined; accept?: string | undefined }, p: ProviderContext): PageResult {
  const { origin, accept } = headers;
  if (origin !== undefined && origin !== p.urls.origin && origin !== p.urls.origin.replace('//localhost:', '//127.0.0.1:')) {
    return page(accept, 403, 'Refused', 'This form only accepts submissions from its own page.');
  }
  const typed = form.get('user_code') ?? '';
  const action = form.get('action') === 'deny' ? 'deny' : 'approve';
  const { user } = p;
  const decision = p.deviceFlow.decide(typed, action);
  if (!decision.ok) {
    p.log(`verification page: ${action} refused (${decision.reason})`);
    const message = REFUSALS[decision.reason](typed.trim());
    return page(accept, 400, 'Not signed in', `Not signed in: ${message}`, `<p><strong>${escapeHtml(message)}</strong></p>${formHtml(p, '')}`);
  }
  const { userCode } = decision.authorization;
  if (action === 'deny') {
    p.log(`user code ${userCode} declined`);
    return page(
      accept,
      200,
      'Sign-in declined',
      `Declined the sign-in for code ${userCode}. The application will be told.`,
      `<p>You declined the sign-in for code ${escapeHtml(userCode)}. The application will be told; you can close this window.</p>`,
    );
  }
  p.log(`user code ${userCode} approved: signed in as ${user.username}`);
  return page(
    accept,
    200,
    'Signed in',
    `Signed in as ${user.name} (${user.username}) for code ${userCode}. Return to your terminal.`,
    `<p>You are signed in as <strong>${escapeHtml(user.name)}</strong> (${escapeHtml(user.username)}) for code ${escapeHtml(userCode)}. Return to your terminal; you can close this window.</p>`,
  );
}
