import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { NwsError, nwsLogLevel } from '../nws/errors.js';
import { formatAlerts } from '../nws/format.js';
import { scopeOf } from '../request-scope.js';
import { textResult, toolError, type ToolDeps } from './context.js';
import { convertedOnce } from './input-schema.js';
import { observed } from './observed.js';
import { US_AREAS } from './us-areas.js';

const INPUT = convertedOnce(
  z.object({
    state: z.string().describe('Two-letter US state or territory code, e.g. CA, NY or PR'),
  }),
);

export function registerGetAlerts(server: McpServer, deps: ToolDeps): void {
  const scopeChallenge = deps.scopeChallenge('get_alerts');
  server.registerTool(
    'get_alerts',
    {
      title: 'Weather alerts',
      description: 'Active weather alerts (warnings, watches, advisories) from the US National Weather Service for one US state or territory.',
      inputSchema: INPUT,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      ...(scopeChallenge && { scopeChallenge }),
    },
    observed(deps, 'get_alerts', async ({ state }, ctx) => {
      const area = state.trim().toUpperCase();
      if (!US_AREAS.has(area)) {
        return toolError(`Unknown state code "${state}": use a two-letter US state or territory code such as CA, TX or PR.`);
      }
      try {
        return textResult(formatAlerts(area, await deps.nws.activeAlerts(area, AbortSignal.any([ctx.mcpReq.signal, deps.shutdown]))));
      } catch (error) {
        if (!(error instanceof NwsError)) throw error;
        deps.logger.log(nwsLogLevel(error), 'nws failed', { request: scopeOf(ctx.http?.req)?.id, tool: 'get_alerts', kind: error.kind, status: error.status });
        return toolError(`Could not get weather alerts for ${area}: ${error.message}`);
      }
    }),
  );
}
