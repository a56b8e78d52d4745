import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { NwsError, nwsLogLevel } from '../nws/errors.js';
import { formatForecast } from '../nws/format.js';
import { scopeOf } from '../request-scope.js';
import { textResult, toolError, type ToolDeps } from './context.js';
import { convertedOnce } from './input-schema.js';
import { observed } from './observed.js';

const INPUT = convertedOnce(
  z.object({
    latitude: z.number().min(-90).max(90).describe('Latitude in degrees, e.g. 40.7128'),
    longitude: z.number().min(-180).max(180).describe('Longitude in degrees, e.g. -74.006'),
  }),
);

export function registerGetForecast(server: McpServer, deps: ToolDeps): void {
  const scopeChallenge = deps.scopeChallenge('get_forecast');
  server.registerTool(
    'get_forecast',
    {
      title: 'Weather forecast',
      description: 'The next five forecast periods (about 2.5 days) from the US National Weather Service for a point in the United States.',
      inputSchema: INPUT,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      ...(scopeChallenge && { scopeChallenge }),
    },
    observed(deps, 'get_forecast', async ({ latitude, longitude }, ctx) => {
      try {
        return textResult(formatForecast(latitude, longitude, await deps.nws.forecast(latitude, longitude, AbortSignal.any([ctx.mcpReq.signal, deps.shutdown]))));
      } catch (error) {
        if (!(error instanceof NwsError)) throw error;
        deps.logger.log(nwsLogLevel(error), 'nws failed', { request: scopeOf(ctx.http?.req)?.id, tool: 'get_forecast', kind: error.kind, status: error.status });
        const hint = error.kind === 'not-found' ? ' NWS covers only the United States and its territories.' : '';
        return toolError(`Could not get the forecast for ${latitude}, ${longitude}: ${error.message}.${hint}`);
      }
    }),
  );
}
