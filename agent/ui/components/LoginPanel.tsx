import { Box, Text } from 'ink';
import type { DeviceCodePrompt } from '../../../auth/login/types.js';
import { safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { formatCountdown } from '../format.js';
import type { SignIn } from '../hooks/useSignIn.js';
import { Spinner } from './Spinner.js';

export interface LoginPanelProps {
  prompt: DeviceCodePrompt | undefined;
  /** Milliseconds until the code expires. */
  remainingMs: number;
  browser: SignIn['browser'];
  now: number;
  /** One more way to approve, shown under the browser line (the demo's curl command). */
  hint?: string | undefined;
}

/** `ABCD1234` → `A B C D - 1 2 3 4`: spaced out so it reads (and types) without mistakes. */
export function spacedCode(code: string): string {
  const compact = code.replace(/[\s-]/g, '');
  const groups = compact.length === 8 ? [compact.slice(0, 4), compact.slice(4)] : [code];
  return groups.map((g) => [...g].join(' ')).join('  -  ');
}

function BrowserLine({ browser, url }: { browser: SignIn['browser']; url: string }) {
  const theme = useTheme();
  switch (browser) {
    case 'ready':
      return (
        <Text>
          Press <Text bold>o</Text> to open it in your browser.
        </Text>
      );
    case 'opened':
      return <Text color={theme.success}>Opened in your browser — approve there.</Text>;
    case 'failed':
      return <Text color={theme.warning}>Could not open a browser; open {url} yourself.</Text>;
    case 'unavailable':
      return <Text dimColor>No browser here: open the link on any device.</Text>;
  }
}

/** A user code is a few characters; a longer one is the identity provider's lie and gets cut. */
const CODE_CHARS = 32;
/** The hint quotes the code and link too; room for a long command line. */
const HINT_CHARS = 400;

/** The device-code sign-in: link, a large user code, time left, and the keys. The link and code come from the identity provider: made terminal-safe here. */
export function LoginPanel({ prompt, remainingMs, browser, now, hint }: LoginPanelProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text bold color={theme.accent}>
        Sign in to use the MCP server
      </Text>
      {prompt ? (
        <>
          <Text>
            Sign in with <Text bold>{safeLine(prompt.authorityHost, 100)}</Text>
          </Text>
          <Text>
            1. Open <Text color={theme.accent} underline>{safeLine(prompt.verificationUri)}</Text>
          </Text>
          <Text>2. Enter this code:</Text>
          <Box justifyContent="center" marginY={1}>
            <Text bold inverse>
              {`  ${spacedCode(safeLine(prompt.userCode, CODE_CHARS))}  `}
            </Text>
          </Box>
          <BrowserLine browser={browser} url={safeLine(prompt.verificationUriComplete ?? prompt.verificationUri)} />
          {hint ? <Text dimColor>{safeLine(hint, HINT_CHARS)}</Text> : null}
          {remainingMs > 0 ? (
            <Text dimColor>Code expires in {formatCountdown(remainingMs)} · Esc cancels</Text>
          ) : (
            <Text color={theme.error}>The code expired. Press Esc, then type /login for a new one.</Text>
          )}
        </>
      ) : (
        <Text>
          <Spinner now={now} /> Asking the identity provider for a sign-in code… <Text dimColor>(Esc cancels)</Text>
        </Text>
      )}
    </Box>
  );
}
