import { Box, Text } from 'ink';
import type { ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import { safeLine } from '../../../config/terminal-text.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { wrappedRows } from '../text-rows.js';

export interface ApprovalPanelProps {
  request: ApprovalReason;
  /** The answer is being recorded. */
  answering: boolean;
}

/** Asks whether a server may get a token it is not approved for, or use an identity provider nobody approved. */
export function ApprovalPanel({ request, answering }: ApprovalPanelProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warning} paddingX={1}>
      {request.kind === 'scope-bound-elsewhere' ? (
        <>
          <Text bold color={theme.warning}>
            Send your token to this server?
          </Text>
          <Text>
            <Text bold>{request.server}</Text> asks for a token for <Text bold>{safeLine(request.scope, 120)}</Text>.
          </Text>
          <Text>That token is bound to {request.boundTo.join(', ')}: this server could use it there as you.</Text>
        </>
      ) : (
        <>
          <Text bold color={theme.warning}>
            Sign in with an unknown identity provider?
          </Text>
          <Text>
            <Text bold>{request.server}</Text> names <Text bold>{request.host}</Text>, which is not a Microsoft Entra host nor ENTRA_AUTHORITY_HOST.
          </Text>
          <Text>Nothing has been sent there yet.</Text>
        </>
      )}
      {answering ? (
        <Text dimColor>Recording your answer…</Text>
      ) : (
        <Text>
          <Text bold>y</Text> approve and remember · <Text bold>n</Text> send nothing
        </Text>
      )}
    </Box>
  );
}

/**
 * Rows the panel draws at a width of `columns` (its border included, its margin not): App sizes
 * the live region with it, and ApprovalPanel.test.tsx checks it against the rendering.
 */
export function approvalPanelRows({ request, answering }: ApprovalPanelProps, columns: number): number {
  const lines =
    request.kind === 'scope-bound-elsewhere'
      ? [
          'Send your token to this server?',
          `${request.server} asks for a token for ${safeLine(request.scope, 120)}.`,
          `That token is bound to ${request.boundTo.join(', ')}: this server could use it there as you.`,
        ]
      : [
          'Sign in with an unknown identity provider?',
          `${request.server} names ${request.host}, which is not a Microsoft Entra host nor ENTRA_AUTHORITY_HOST.`,
          'Nothing has been sent there yet.',
        ];
  lines.push(answering ? 'Recording your answer…' : 'y approve and remember · n send nothing');
  // Border and padding: two rows, four columns.
  return 2 + lines.reduce((sum, line) => sum + wrappedRows(line, columns - 4), 0);
}
