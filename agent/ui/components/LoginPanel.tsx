import { Box, Text } from 'ink';
import { foreignLinkWarning } from '../../../auth/login/sign-in-link.js';
import type { DeviceCodePrompt } from '../../../auth/login/types.js';
import { safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { formatCountdown } from '../format.js';
import { wrappedRows } from '../text-rows.js';
import type { SignIn } from '../hooks/useSignIn.js';
import { Spinner } from './Spinner.js';

export interface LoginPanelProps {
  prompt: DeviceCodePrompt | undefined;
  /** Milliseconds until the code expires. */
  remainingMs: number;
  browser: SignIn['browser'];
  now: number;
  /** The demo printed a command to approve with above the panel: the panel points at it. */
  commandAbove?: boolean;
}

/** `ABCD1234` → `A B C D - 1 2 3 4`: spaced out so it reads (and types) without mistakes. */
export function spacedCode(code: string): string {
  const compact = code.replace(/[\s-]/g, '');
  const groups = compact.length === 8 ? [compact.slice(0, 4), compact.slice(4)] : [code];
  return groups.map((g) => [...g].join(' ')).join('  -  ');
}

/** What the browser line says, as plain text (the height function counts its rows). */
function browserText(browser: SignIn['browser'], url: string): string {
  switch (browser) {
    case 'ready':
      return 'Press o to open it in your browser.';
    case 'opened':
      return 'Opened in your browser — approve there.';
    case 'failed':
      return `Could not open a browser; open ${url} yourself.`;
    case 'unavailable':
      return 'No browser here: open the link on any device.';
  }
}

function BrowserLine({ browser, url }: { browser: SignIn['browser']; url: string }) {
  const theme = useTheme();
  const text = browserText(browser, url);
  switch (browser) {
    case 'ready':
      return (
        <Text>
          Press <Text bold>o</Text> to open it in your browser.
        </Text>
      );
    case 'opened':
      return <Text color={theme.success}>{text}</Text>;
    case 'failed':
      return <Text color={theme.warning}>{text}</Text>;
    case 'unavailable':
      return <Text dimColor>{text}</Text>;
  }
}

/** Said plainly when the link is on another host than the sign-in server's (the device-code phishing pattern). */
function ForeignLink({ prompt }: { prompt: DeviceCodePrompt }) {
  const theme = useTheme();
  const warning = foreignLinkWarning(prompt);
  return warning === undefined ? null : (
    <Text color={theme.warning} bold>
      {safeLine(warning)}
    </Text>
  );
}

const TITLE = 'Sign in to use the MCP server';
/** Shown until the identity provider has issued a code. */
const WAITING = 'Asking the identity provider for a sign-in code…';
/** A user code is a few characters; a longer one is the identity provider's lie and gets cut. */
const CODE_CHARS = 32;
/** A browser sign-in's link carries PKCE, state and scopes: longer than a device page's, still capped. */
const LINK_CHARS = 2000;
/** Where the panel points when the command to approve with is printed above it (copyable whole there, never inside the border). */
const COMMAND_ABOVE = 'Or approve from a shell with the curl command printed above.';

/** The sign-in: link and a large user code (a browser sign-in: the link alone), time left, and the keys. The link and code come from the identity provider: made terminal-safe here. */
export function LoginPanel({ prompt, remainingMs, browser, now, commandAbove = false }: LoginPanelProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text bold color={theme.accent}>
        {TITLE}
      </Text>
      {prompt ? (
        <>
          <Text>
            Sign in with <Text bold>{safeLine(prompt.authorityHost, 100)}</Text>
          </Text>
          {prompt.userCode === undefined ? (
            <>
              <Text>Open this link in a browser on this computer, sign in and approve:</Text>
              <Box marginY={1}>
                <Text color={theme.accent} underline>
                  {safeLine(prompt.verificationUri, LINK_CHARS)}
                </Text>
              </Box>
              <ForeignLink prompt={prompt} />
            </>
          ) : (
            <>
              <Text>
                1. Open{' '}
                <Text color={theme.accent} underline>
                  {safeLine(prompt.verificationUri)}
                </Text>
              </Text>
              <ForeignLink prompt={prompt} />
              <Text>2. Enter this code:</Text>
              <Box justifyContent="center" marginY={1}>
                <Text bold inverse>
                  {`  ${spacedCode(safeLine(prompt.userCode, CODE_CHARS))}  `}
                </Text>
              </Box>
            </>
          )}
          <BrowserLine browser={browser} url={safeLine(prompt.verificationUriComplete ?? prompt.verificationUri)} />
          {commandAbove ? <Text dimColor>{COMMAND_ABOVE}</Text> : null}
          {remainingMs > 0 ? (
            <Text dimColor>
              {prompt.userCode === undefined ? 'Link' : 'Code'} expires in {formatCountdown(remainingMs)} · Esc cancels
            </Text>
          ) : (
            <Text color={theme.error}>The {prompt.userCode === undefined ? 'link' : 'code'} expired. Press Esc, then type /login for a new one.</Text>
          )}
        </>
      ) : (
        <Text>
          <Spinner now={now} /> {WAITING} <Text dimColor>(Esc cancels)</Text>
        </Text>
      )}
    </Box>
  );
}

/** Columns the panel's border and padding take. */
const FRAME_COLUMNS = 4;

/**
 * Rows the panel draws at a width of `columns` (its border included, its margin not): App sizes
 * the live region with it, and LoginPanel.test.tsx checks it against the rendering.
 */
export function loginPanelRows(
  { prompt, remainingMs, browser, commandAbove }: Pick<LoginPanelProps, 'prompt' | 'remainingMs' | 'browser' | 'commandAbove'>,
  columns: number,
): number {
  const width = columns - FRAME_COLUMNS;
  const title = wrappedRows(TITLE, width);
  if (!prompt) return 2 + title + wrappedRows(`⠋ ${WAITING} (Esc cancels)`, width);
  const lines = [
    `Sign in with ${safeLine(prompt.authorityHost, 100)}`,
    `1. Open ${safeLine(prompt.verificationUri)}`,
    '2. Enter this code:',
    ...[foreignLinkWarning(prompt)].flatMap((warning) => (warning === undefined ? [] : [safeLine(warning)])),
    browserText(browser, safeLine(prompt.verificationUriComplete ?? prompt.verificationUri)),
    ...(commandAbove ? [COMMAND_ABOVE] : []),
    remainingMs > 0 ? `Code expires in ${formatCountdown(remainingMs)} · Esc cancels` : 'The code expired. Press Esc, then type /login for a new one.',
  ];
  // The code, with a margin above and below.
  const code = 2 + wrappedRows(`  ${spacedCode(safeLine(prompt.userCode, CODE_CHARS))}  `, width);
  return 2 + title + code + lines.reduce((sum, line) => sum + wrappedRows(line, width), 0);
}
