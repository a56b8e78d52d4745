import { McpServer, type McpServerFactory } from '@modelcontextprotocol/server';
import { WARDEN_VERSION } from '../config/version.js';
import type { ToolDeps } from './tools/context.js';
import { registerGetAlerts } from './tools/get-alerts.js';
import { registerGetForecast } from './tools/get-forecast.js';
import { registerReverse } from './tools/reverse.js';

const SERVER_INFO = { name: 'warden', version: WARDEN_VERSION };

const INSTRUCTIONS =
  'Tools: reverse (reverses text, reports progress), get_alerts (active US weather alerts for a state) and get_forecast (US weather forecast for a latitude/longitude), the latter two from the National Weather Service.';

/**
 * A fresh McpServer per request: the SDK serves each stateless exchange on its own instance and
 * refuses one still serving another request. Building it and registering three tools costs about
 * 1 % of a call (CPU profile, bench/README.md); everything shared lives in `deps`, and each tool's
 * input schema is a module constant converted to JSON Schema once (tools/input-schema.ts).
 */
export function createServerFactory(deps: ToolDeps): McpServerFactory {
  return () => {
    const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
    registerReverse(server, deps);
    registerGetAlerts(server, deps);
    registerGetForecast(server, deps);
    return server;
  };
}
