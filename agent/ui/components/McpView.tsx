import { Box, Text } from 'ink';
import { safeLine } from '../../../config/terminal-text.js';
import type { AuthState, ServerStatus } from '../../core/engine-types.js';
import { useTheme } from '../contexts/ThemeContext.js';
import { serverStateText } from '../format.js';
import { LogLineView } from './ServerLogsView.js';
import { WrappedText } from './Wrapped.js';
import type { Theme } from '../theme.js';

function signInText(auth: AuthState): string | undefined {
  switch (auth.state) {
    case 'disabled':
      return undefined;
    case 'signed-out':
      return 'signed out';
    case 'signing-in':
      return 'signing in…';
    case 'signed-in':
      return `signed in as ${safeLine(auth.account, 80)}`;
    case 'error':
      return `sign-in error: ${safeLine(auth.error)}`;
  }
}

function icon(server: ServerStatus, theme: Theme): { mark: string; colour: string | undefined } {
  switch (server.connection.state) {
    case 'connected':
      return { mark: '●', colour: theme.success };
    case 'connecting':
      return { mark: '◌', colour: theme.warning };
    case 'sign-in-needed':
      return { mark: '!', colour: theme.warning };
    case 'failed':
      return { mark: '✗', colour: theme.error };
  }
}

/** The heading: how many servers and how many are up, or which of how many is shown. */
function heading(servers: readonly ServerStatus[], of: number | undefined): string {
  if (of !== undefined && servers.length < of) return `${servers.length} of ${of} MCP servers:`;
  const up = servers.filter((s) => s.connection.state === 'connected').length;
  return servers.length === 1 ? `1 MCP server (${up} connected)` : `${servers.length} MCP servers (${up} connected)`;
}

/** /mcp: every server with transport, target, state, protocol, tools, sign-in and last error (`of`: the total, when only some are shown). Renders only. */
export function McpView({ servers, now, of, width }: { servers: readonly ServerStatus[]; now: number; of?: number; width: number }) {
  const theme = useTheme();
  const logging = servers.some((s) => s.connection.state === 'connected' && s.connection.logging === true);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>{heading(servers, of)}</Text>
      {servers.map((server) => {
        const { mark, colour } = icon(server, theme);
        const c = server.connection;
        const details = [
          serverStateText(c, now),
          c.state === 'connected' && c.protocolVersion ? `protocol ${safeLine(c.protocolVersion, 32)}` : undefined,
          c.state === 'connected' ? `${c.toolCount} ${c.toolCount === 1 ? 'tool' : 'tools'}` : undefined,
          c.state === 'connected' && c.logging ? 'logging' : undefined,
          signInText(server.auth),
        ].filter(Boolean);
        const error = c.state === 'failed' ? c.error : c.state === 'sign-in-needed' ? c.reason : server.lastError;
        return (
          <Box key={server.name} flexDirection="column">
            <Text wrap="truncate-end">
              <Text color={colour}>{mark}</Text> <Text bold>{safeLine(server.name, 64)}</Text> <Text dimColor>{`${server.transport} · ${safeLine(server.target, 120)}`}</Text>
            </Text>
            <Box paddingLeft={2} flexDirection="column">
              <WrappedText text={details.join(' · ')} width={Math.max(1, width - 2)} />
              {error ? (
                <WrappedText
                  text={`${c.state === 'connected' ? 'last error' : 'error'}: ${safeLine(error)}`}
                  width={Math.max(1, width - 2)}
                  color={c.state === 'connected' ? undefined : theme.error}
                  dim={c.state === 'connected'}
                />
              ) : null}
              {(server.logs ?? []).slice(-3).map((line, i) => (
                <LogLineView key={i} line={line} />
              ))}
            </Box>
          </Box>
        );
      })}
      <WrappedText
        text={`/mcp reconnect NAME connects a server again now · /mcp logs NAME shows its log${logging ? ' · /mcp level NAME LEVEL sets what a server with logging sends' : ''}`}
        width={width}
        dim
      />
    </Box>
  );
}
